// The CUDA kernels' thread bodies, run on the host over the launch grid
// (elm_cpu.node's elmNeuron*CudaBodies), against the authors' PyTorch fixtures
// in float64: the CUDA code path end to end without a GPU.
import { elmNeuronCpu } from "@elm/native";
import { describe, expect, it } from "vitest";
import { allocSaved } from "../../src/kernels/saved.js";
import { derive, rawGrads, readout, relErr, upstreamToDm } from "./fixtureModel.js";
import { loadRefFixtures } from "../model/fixtures.js";

const bodies = elmNeuronCpu();

describe("CUDA thread bodies on the host vs PyTorch fixtures (float64, rtol 1e-10)", () => {
  for (const fx of loadRefFixtures()) {
    it(fx.name, () => {
      const d = derive(fx);
      const { shape, inputs } = d;
      const dTr = shape.variant === "v1" ? shape.dS : shape.dTree;
      const saved = allocSaved(shape, "float64", "cuda");
      const { trace, z, pre, post, deltaM, m } = saved;
      const traceT = new Float64Array(shape.B * dTr);
      const mT = new Float64Array(shape.B * shape.dM);
      bodies.elmNeuronForwardCudaBodies(shape, inputs, { trace, z, pre, post, deltaM, m }, traceT, mT, 32);
      const check = (name: string, a: ArrayLike<number>, e: ArrayLike<number>): void => {
        const { err, at } = relErr(a, e, 1e-6);
        expect(err, `${name}[${at}] = ${a[at]}, expected ${e[at]}`).toBeLessThanOrEqual(1e-10);
      };
      check("y", readout(d, m), fx.output.data);
      const F = Float64Array;
      const grads = {
        dx: new F(inputs.x.length), dWS: new F(shape.dS), dKappaTrace: new F(dTr), dKappaM: new F(shape.dM), dGain: new F(shape.dM),
        dMlpW: inputs.mlpW.map((w) => new F(w.length)), dMlpB: inputs.mlpB.map((b) => new F(b.length)),
        dTrace0: new F(shape.B * dTr), dM0: new F(shape.B * shape.dM),
      };
      bodies.elmNeuronBackwardCudaBodies(shape, inputs, { trace, z, pre, post, deltaM, m }, upstreamToDm(d, fx.upstream_grad.data), null, null, grads, 32);
      check("input_grad", grads.dx, fx.input_grad.data);
      const raw = rawGrads(fx, d, m, grads);
      for (const name of fx.trainable) check(`grads.${name}`, raw[name], fx.grads[name].data);
    });
  }
});
