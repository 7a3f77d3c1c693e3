import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readSharedJson, sharedFixture } from "@elm/core/testing";
import { readModelConfig, ModelConfigError } from "../../src/torch/modelConfig.js";

type RefConfig = { config: Record<string, unknown> };

describe("readModelConfig", () => {
  it("reads the pre-trained model's model_config.json with the constructor's defaults", () => {
    const c = readModelConfig(readFileSync(sharedFixture("pretrained", "neuronio_num_memory_10", "model_config.json"), "utf8"));
    expect(c).toEqual({
      variant: null, numInput: 1278, numOutput: 2, numMemory: 10, lambdaValue: 5, mlpNumLayers: 1, mlpHiddenSize: 20,
      mlpActivation: "relu", tauSValue: 5, tauBValue: 5, memoryTauMin: 1, memoryTauMax: 150, learnMemoryTau: false,
      wSValue: 0.5, numBranch: 45, numSynapsePerBranch: 100, numSynapse: 4500, routing: "neuronio", deltaT: 1,
    });
  });

  it("honours every field of the reference configs (v1 and Branch-ELM)", () => {
    const silu = readSharedJson<RefConfig>("reference", "branch_elm_neuronio_routing_silu.json").config;
    const c = readModelConfig(silu);
    expect(c).toMatchObject({
      variant: "v2", numInput: 20, numOutput: 2, numMemory: 6, lambdaValue: 3, mlpNumLayers: 2, mlpHiddenSize: 9, mlpActivation: "silu",
      tauBValue: 4, memoryTauMin: 2, memoryTauMax: 80, learnMemoryTau: false, numBranch: 5, numSynapsePerBranch: 6, numSynapse: 30,
      routing: "neuronio", deltaT: 2,
    });
    const v1 = readModelConfig(readSharedJson<RefConfig>("reference", "elm_v1_plain.json").config);
    expect(v1).toMatchObject({ variant: "v1", numBranch: 6, numSynapse: 6, routing: "none", mlpHiddenSize: 10, memoryTauMax: 150, learnMemoryTau: false });
    const rnd = readModelConfig(readSharedJson<RefConfig>("reference", "branch_elm_random_routing.json").config);
    expect(rnd).toMatchObject({ routing: "random", numBranch: 4, numSynapsePerBranch: 6, learnMemoryTau: true });
  });

  it("refuses unknown keys, wrong types, inconsistent sizes and bad JSON", () => {
    expect(() => readModelConfig({ num_input: 4, num_output: 1, num_memry: 3 })).toThrow(/unknown key\(s\) 'num_memry'/);
    expect(() => readModelConfig({ num_input: 4, num_output: 1, lambda_value: "5" })).toThrow(/lambda_value/);
    expect(() => readModelConfig({ num_input: 4, num_output: 1, input_to_synapse_routing: "fancy" })).toThrow(/input_to_synapse_routing/);
    expect(() => readModelConfig({ num_input: 4, num_output: 1, num_branch: 3 })).toThrow(/must equal num_input = 4/);
    expect(() => readModelConfig({ num_input: 1278, num_output: 2, num_branch: 45, num_synapse_per_branch: 20, input_to_synapse_routing: "neuronio_routing" })).toThrow(/ceil\(num_input\/num_branch\) = 29 ≤ num_synapse_per_branch = 20/);
    expect(() => readModelConfig({ num_input: 4, num_output: 1, tau_s_value: 5, tau_b_value: 5 })).toThrow(/both tau_s_value/);
    expect(() => readModelConfig({ num_input: 4, num_output: 1, memory_tau_min: 10, memory_tau_max: 2 })).toThrow(/below memory_tau_min/);
    expect(() => readModelConfig("{nope", "x.json")).toThrow(ModelConfigError);
    expect(() => readModelConfig("{nope", "x.json")).toThrow(/x\.json: not valid JSON/);
    expect(() => readModelConfig({ num_output: 1 })).toThrow(/num_input/);
  });
});
