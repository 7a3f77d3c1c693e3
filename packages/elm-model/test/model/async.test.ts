// forwardAsync: the fused forward kernel off the JS thread gives the same
// outputs and gradients as the synchronous forward (cpu and ref).
import { describe, expect, it } from "vitest";
import { Rng, Tensor, mul, randNormal, sum, type Device } from "@elm/core";
import { BranchElm, ElmNetwork, ElmNeuron } from "../../src/index.js";
import { expectCloseRel } from "./fixtures.js";

function input(shape: number[], seed: number, device: Device): Tensor {
  return Tensor.fromArray(randNormal(shape, new Rng(seed), 0, 1, { dtype: "float64" }).data, shape, { dtype: "float64", device });
}

describe("forwardAsync", () => {
  for (const device of ["ref", "cpu"] as Device[]) {
    const makers = [
      () => new ElmNeuron({ num_input: 6, num_output: 2, num_memory: 3, num_branch: 2, num_synapse_per_branch: 3, learn_memory_tau: true }, { seed: 1, dtype: "float64", device }),
      () => new BranchElm({ num_input: 6, num_output: 2, num_memory: 3, num_branch: 4, num_synapse_per_branch: 2, input_to_synapse_routing: "random_routing" }, { seed: 1, dtype: "float64", device }),
      () => new ElmNetwork({ num_input: 6, num_output: 2, num_neurons: 3, num_branch: 2, num_synapse_per_branch: 2, num_memory: 3 }, { seed: 1, dtype: "float64", device }),
    ];
    for (const make of makers) {
      it(`${make().kind} on ${device}: same outputs and gradients as forward`, async () => {
        const m = make();
        const x = input([2, 6, 6], 3, device);
        const G = input([2, 6, 2], 4, device);
        sum(mul(m.forward(x), G)).backward();
        const want = m.namedParameters().map(([, t]) => Float64Array.from(t.grad!.data));
        const yWant = m.forward(x).toArray();
        m.zeroGrad();
        const y = await m.forwardAsync(x);
        expectCloseRel(y.data, yWant, 0, "y");
        sum(mul(y, G)).backward();
        m.namedParameters().forEach(([n, t], i) => expectCloseRel(t.grad!.data, want[i], 0, `grad ${n}`));
        expect(want.length).toBeGreaterThan(4);
      });
    }
  }
});
