// elmNeuronBackward's options.inputGrad: false skips dL/dx (dx is null) and
// leaves every other gradient bit for bit as with the input gradient; the
// model op asks for it only when x requires grad.
import { Rng, Tensor, mul, randNormal, sum, type Device } from "@elm/core";
import { describe, expect, it } from "vitest";
import { BranchElm } from "../../src/index.js";
import { elmNeuronBackward, elmNeuronBackwardAsync, elmNeuronForward } from "../../src/kernels/index.js";
import type { ElmNeuronGrads, ElmNeuronGradsMaybeInput, Float, KernelDevice } from "../../src/kernels/types.js";
import { toFloat32 } from "./fixtureModel.js";
import { lcg, randomProblem } from "./randomProblem.js";

function paramGrads(g: ElmNeuronGrads | ElmNeuronGradsMaybeInput): [string, Float][] {
  return [
    ["dWS", g.dWS], ["dKappaTrace", g.dKappaTrace], ["dKappaM", g.dKappaM], ["dGain", g.dGain], ["dTrace0", g.dTrace0], ["dM0", g.dM0],
    ...g.dMlpW.map((w, l): [string, Float] => [`dMlpW[${l}]`, w]),
    ...g.dMlpB.map((b, l): [string, Float] => [`dMlpB[${l}]`, b]),
  ];
}

describe("elmNeuronBackward options.inputGrad", () => {
  for (const device of ["cpu", "ref"] as KernelDevice[]) {
    for (const variant of ["v1", "v2"] as const) {
      it(`${device} ${variant}: false gives dx null and the same other gradients`, async () => {
        const p = randomProblem(21, { variant, activation: "silu", B: 3, T: 8, dIn: 9, dTree: 4, dBrch: 3, dM: 5, dMlp: 7, initialState: true });
        const inputs = toFloat32(p.inputs);
        const r = lcg(5);
        const dM = Float32Array.from({ length: p.shape.B * p.shape.T * p.shape.dM }, () => r() - 0.5);
        const f = elmNeuronForward(p.shape, inputs, device);
        const full = elmNeuronBackward(p.shape, inputs, f.saved, dM, null, null, device);
        const withX = elmNeuronBackward(p.shape, inputs, f.saved, dM, null, null, device, { inputGrad: true });
        const noX = elmNeuronBackward(p.shape, inputs, f.saved, dM, null, null, device, { inputGrad: false });
        const noXAsync = await elmNeuronBackwardAsync(p.shape, inputs, f.saved, dM, null, null, device, { inputGrad: false });
        expect(full.dx.some((v) => v !== 0)).toBe(true);
        expect(Array.from(withX.dx!)).toEqual(Array.from(full.dx));
        expect(noX.dx).toBeNull();
        expect(noXAsync.dx).toBeNull();
        const want = paramGrads(full);
        for (const got of [paramGrads(noX), paramGrads(noXAsync)]) {
          got.forEach(([name, a], i) => expect(Array.from(a), name).toEqual(Array.from(want[i][1])));
        }
      });
    }
  }

  it("rejects a non-boolean inputGrad", () => {
    const p = randomProblem(22, { variant: "v2", activation: "relu" });
    const f = elmNeuronForward(p.shape, p.inputs, "cpu");
    const dM = new Float64Array(p.shape.B * p.shape.T * p.shape.dM);
    expect(() => elmNeuronBackward(p.shape, p.inputs, f.saved, dM, null, null, "cpu", { inputGrad: 1 as unknown as boolean })).toThrow(TypeError);
  });

  for (const device of ["cpu", "ref"] as Device[]) {
    it(`BranchElm on ${device}: x without requiresGrad trains the same parameters; with it, x.grad is filled`, () => {
      const make = () => new BranchElm(
        { num_input: 6, num_output: 2, num_memory: 3, num_branch: 4, num_synapse_per_branch: 2, input_to_synapse_routing: "random_routing" },
        { seed: 1, dtype: "float64", device },
      );
      const data = randNormal([2, 5, 6], new Rng(3), 0, 1, { dtype: "float64" }).data;
      const G = Tensor.fromArray(randNormal([2, 5, 2], new Rng(4), 0, 1, { dtype: "float64" }).data, [2, 5, 2], { dtype: "float64", device });
      const grads = (requiresGrad: boolean) => {
        const m = make();
        const x = Tensor.fromArray(data, [2, 5, 6], { dtype: "float64", device, requiresGrad });
        sum(mul(m.forward(x), G)).backward();
        return { params: m.namedParameters().map(([n, t]) => [n, Array.from(t.grad!.data)] as const), xGrad: x.grad };
      };
      const withX = grads(true);
      const noX = grads(false);
      expect(withX.xGrad).not.toBeNull();
      expect(Array.from(withX.xGrad!.data).some((v) => v !== 0)).toBe(true);
      expect(noX.xGrad ?? null).toBeNull();
      expect(noX.params).toEqual(withX.params);
    });
  }
});
