// The fused ELM neuron kernels against the authors' PyTorch reference
// (float64 fixtures): output y, input gradient and every trainable raw
// parameter's gradient, in float64 (1e-10) and float32 (1e-4), per device.
import { describe, expect, it } from "vitest";
import { elmNeuronBackward, elmNeuronForward } from "../../src/kernels/index.js";
import type { KernelDevice } from "../../src/kernels/types.js";
import { derive, rawGrads, readout, relErr, toFloat32, upstreamToDm } from "./fixtureModel.js";
import { loadRefFixtures } from "../model/fixtures.js";

const fixtures = loadRefFixtures();
const devices: KernelDevice[] = ["ref", "cpu"];

describe("fixtures are present", () => {
  it("finds all five reference fixtures", () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual([
      "branch_elm_dense_continuous", "branch_elm_neuronio_routing_silu", "branch_elm_random_routing", "elm_v1_branches", "elm_v1_plain",
    ]);
  });
});

for (const device of devices) {
  for (const dtype of ["float64", "float32"] as const) {
    const tol = dtype === "float64" ? 1e-10 : 1e-4;
    const floor = dtype === "float64" ? 1e-6 : 1e-2;
    describe(`elmNeuron ${device} ${dtype} vs PyTorch fixtures (rtol ${tol})`, () => {
      for (const fx of fixtures) {
        it(fx.name, () => {
          const d = derive(fx);
          const inputs = dtype === "float64" ? d.inputs : toFloat32(d.inputs);
          const fwd = elmNeuronForward(d.shape, inputs, device);
          expect(fwd.m).toBeInstanceOf(dtype === "float64" ? Float64Array : Float32Array);
          const y = readout(d, fwd.m);
          const check = (name: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void => {
            const { err, at } = relErr(actual, expected, floor);
            expect(err, `${fx.name} ${name}[${at}] = ${actual[at]}, expected ${expected[at]}`).toBeLessThanOrEqual(tol);
          };
          check("y", y, fx.output.data);
          const dM = upstreamToDm(d, fx.upstream_grad.data);
          const g = elmNeuronBackward(d.shape, inputs, fwd.saved, dtype === "float64" ? dM : Float32Array.from(dM), null, null, device);
          check("input_grad", g.dx, fx.input_grad.data);
          const raw = rawGrads(fx, d, fwd.m, g);
          for (const name of fx.trainable) {
            expect(raw[name], `gradient for ${name}`).toBeDefined();
            check(`grads.${name}`, raw[name], fx.grads[name].data);
          }
        });
      }
    });
  }
}
