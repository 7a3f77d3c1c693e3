// Builds the model a config asks for (adapters over @elm/model).
import type { Rng } from "@elm/core";
import { ChronoLstm, ElmNetwork, type ElmConfig, type ElmNetworkConfig } from "@elm/model";
import type { TrainConfig } from "../config.js";
import type { TrainableModel } from "../model.js";
import { makeElm } from "./elm.js";
import { ModuleAdapter } from "./module.js";

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
    case "lstm": {
      if (c.modelConfig.dropout > 0) throw new Error(`--dropout: --model ${c.model} has no dropout (got ${c.modelConfig.dropout}); use 0, or --model elm | branch-elm`);
      const opts = { seed, dtype: c.dtype, device: c.device };
      if (c.model === "network") return new ModuleAdapter("network", new ElmNetwork(networkConfigOf(c, dIn, dOut), opts));
      return new ModuleAdapter("lstm", new ChronoLstm({ num_input: dIn, num_output: dOut, hidden_size: c.modelConfig.hidden, chrono_t_max: Math.max(3, sequenceSteps(c)) }, opts));
    }
  }
}

/** ElmNetwork constructor arguments (ELM_SPEC §4) from our model config. */
export function networkConfigOf(c: TrainConfig, dIn: number, dOut: number): ElmNetworkConfig {
  const m = c.modelConfig;
  const cfg: ElmNetworkConfig = {
    num_input: dIn,
    num_output: dOut,
    num_neurons: m.neurons,
    num_branch: m.dTree ?? 8,
    num_synapse_per_branch: m.dBrch ?? 8,
    num_memory: m.dM,
    mlp_hidden_size: m.dMlp ?? null,
    mlp_num_layers: m.lMlp,
    mlp_activation: m.activation,
    d_axon: m.dAxon,
    rec_frac: m.recFrac,
    lambda_value: m.lambdaValue,
    learn_memory_tau: m.learnTauM,
  };
  if (m.tauMin !== undefined) cfg.memory_tau_min = m.tauMin;
  if (m.tauMax !== undefined) cfg.memory_tau_max = m.tauMax;
  return cfg;
}

/** Time steps of one sample (the Chrono-LSTM's T_max): 1 s windows at --bin-ms, twice for SHD-Adding, --sample-ms for NeuronIO. */
export function sequenceSteps(c: TrainConfig): number {
  if (c.task === "neuronio") return c.sampleMs;
  if (c.task === "enwik8") return c.seqLen;
  const one = Math.round(1000 / c.binMs);
  return c.task === "shd-adding" ? 2 * one : one;
}
