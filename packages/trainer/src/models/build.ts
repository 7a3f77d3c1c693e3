// Builds the model a config asks for (adapters over @elm/model).
import type { Rng } from "@elm/core";
import type { ElmConfig } from "@elm/model";
import type { TrainConfig } from "../config.js";
import type { TrainableModel } from "../model.js";
import { makeElm } from "./elm.js";

const ROUTING = { none: null, random: "random_routing", neuronio: "neuronio_routing" } as const;

/** The authors' constructor arguments for ElmNeuron / BranchElm from our model config. */
export function elmConfigOf(c: TrainConfig, dIn: number, dOut: number): ElmConfig {
  const m = c.modelConfig;
  const cfg: ElmConfig = {
    num_input: dIn,
    num_output: dOut,
    num_memory: m.dM,
    mlp_num_layers: m.lMlp,
    mlp_hidden_size: m.dMlp ?? null,
    mlp_activation: m.activation,
    lambda_value: m.lambdaValue,
    learn_memory_tau: m.learnTauM,
    num_branch: m.dTree ?? null,
    num_synapse_per_branch: m.dBrch ?? 1,
    input_to_synapse_routing: m.routing ? ROUTING[m.routing] : null,
  };
  if (m.tauMin !== undefined) cfg.memory_tau_min = m.tauMin;
  if (m.tauMax !== undefined) cfg.memory_tau_max = m.tauMax;
  return cfg;
}

export function buildModel(c: TrainConfig, dIn: number, dOut: number, rng: Rng): TrainableModel {
  const seed = rng.int(2 ** 31);
  switch (c.model) {
    case "elm":
    case "branch-elm":
      return makeElm(c.model, elmConfigOf(c, dIn, dOut), { seed, dtype: c.dtype, device: c.device, dropout: c.modelConfig.dropout });
    case "network":
    case "lstm":
      throw new Error(`--model ${c.model}: @elm/model does not export ${c.model === "network" ? "ElmNetwork" : "ChronoLstm"} in this build; allowed now: elm, branch-elm`);
  }
}
