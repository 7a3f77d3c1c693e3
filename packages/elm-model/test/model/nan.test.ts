// A NaN in the input shows in the output from its step on, as in the authors'
// PyTorch models (relu(NaN) = NaN there): before this, the relu MLPs turned it into
// a finite output on ref and cpu alike. Steps before it are untouched.
import { Tensor } from "@elm/core";
import { describe, expect, it } from "vitest";
import { BranchElm, ElmNetwork, ElmNeuron } from "../../src/index.js";

const B = 2, T = 5, C = 4, tNaN = 2;
const makers = {
  ElmNeuron: (act: string, device: "ref" | "cpu") =>
    new ElmNeuron({ num_input: C, num_output: 3, num_memory: 5, mlp_activation: act } as never, { device, seed: 1 }),
  BranchElm: (act: string, device: "ref" | "cpu") =>
    new BranchElm({ num_input: C, num_output: 3, num_memory: 5, num_branch: 2, num_synapse_per_branch: 2, mlp_activation: act } as never, { device, seed: 1 }),
  ElmNetwork: (act: string, device: "ref" | "cpu") =>
    new ElmNetwork({ num_input: C, num_output: 3, num_neurons: 4, num_branch: 2, num_synapse_per_branch: 4, num_memory: 3, rec_frac: 0.25, mlp_activation: act } as never, { device, seed: 1 }),
};

for (const device of ["ref", "cpu"] as const) {
  for (const act of ["relu", "silu"]) {
    describe(`NaN input on ${device}, ${act}`, () => {
      for (const [name, make] of Object.entries(makers)) {
        it(`${name}: outputs are NaN from the NaN's step on, unchanged before it`, () => {
          const model = make(act, device);
          const clean = Float32Array.from({ length: B * T * C }, (_, i) => Math.sin(i));
          const dirty = clean.slice();
          for (let c = 0; c < C; c++) dirty[(0 * T + tNaN) * C + c] = NaN; // batch row 0, step tNaN, every channel
          const yc = model.forward(Tensor.fromArray(clean, [B, T, C], { device }));
          const yd = model.forward(Tensor.fromArray(dirty, [B, T, C], { device }));
          const O = yc.shape[2];
          for (let b = 0; b < B; b++)
            for (let t = 0; t < T; t++)
              for (let o = 0; o < O; o++) {
                const q = (b * T + t) * O + o;
                expect(Number.isFinite(yc.data[q])).toBe(true);
                if (b === 0 && t >= tNaN) expect(yd.data[q], `b ${b} t ${t} o ${o}`).toBeNaN();
                else expect(yd.data[q], `b ${b} t ${t} o ${o}`).toBe(yc.data[q]);
              }
        });
      }
    });
  }
}
