// buildModel(kind, describe()) rebuilds every model class; a state dict then loads into it.
import { describe, expect, it } from "vitest";
import { Rng, Tensor, randNormal } from "@elm/core";
import { BranchElm, ChronoLstm, ConfigError, ElmNetwork, ElmNeuron, buildModel } from "../../src/index.js";

describe("buildModel", () => {
  const models = [
    new ElmNeuron({ num_input: 4, num_output: 2, num_memory: 3 }, { seed: 1, dtype: "float64" }),
    new BranchElm({ num_input: 4, num_output: 2, num_memory: 3, num_branch: 2, num_synapse_per_branch: 3, input_to_synapse_routing: "random_routing" }, { seed: 1, dtype: "float64" }),
    new ElmNetwork({ num_input: 4, num_output: 2, num_neurons: 3, num_branch: 2, num_synapse_per_branch: 2, num_memory: 2 }, { seed: 1, dtype: "float64" }),
    new ChronoLstm({ num_input: 4, num_output: 2, hidden_size: 3, chrono_t_max: 10 }, { seed: 1, dtype: "float64" }),
  ];
  for (const m of models) {
    it(`rebuilds ${m.kind} from describe() and its state dict`, () => {
      const again = buildModel(m.kind, m.describe() as unknown as Record<string, unknown>, { seed: 77, dtype: "float64" });
      expect(again.constructor).toBe(m.constructor);
      again.loadStateDict(m.stateDict());
      const x = Tensor.fromArray(randNormal([2, 5, 4], new Rng(3), 0, 1, { dtype: "float64" }).data, [2, 5, 4], { dtype: "float64" });
      expect(again.forward(x).toArray()).toEqual(m.forward(x).toArray());
    });
  }
  it("refuses an unknown kind, naming it", () => {
    expect(() => buildModel("gru", {})).toThrow(ConfigError);
    expect(() => buildModel("gru", {})).toThrow(/unknown model kind "gru"/);
  });
});
