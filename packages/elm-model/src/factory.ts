// Build a model from its kind and the JSON its describe() returns, e.g. to
// rebuild a checkpointed model before loadStateDict.
import { BranchElm, type BranchElmConfig } from "./branch_elm.js";
import type { ModelOptions } from "./elm_base.js";
import { ElmNetwork } from "./elm_network.js";
import { ElmNeuron, type ElmNeuronConfig } from "./elm_neuron.js";
import { ConfigError } from "./errors.js";
import { ChronoLstm, type ChronoLstmConfig } from "./lstm.js";
import type { ElmNetworkConfig } from "./config/network_config.js";

export const MODEL_KINDS = ["elm", "branch-elm", "elm-network", "lstm"] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
export type AnyModel = ElmNeuron | BranchElm | ElmNetwork | ChronoLstm;

/** `kind` as the classes name themselves (`model.kind`); "network" is accepted for "elm-network". */
export function buildModel(kind: string, config: Record<string, unknown>, opts: ModelOptions = {}): AnyModel {
  switch (kind) {
    case "elm":
      return new ElmNeuron(config as unknown as ElmNeuronConfig, opts);
    case "branch-elm":
      return new BranchElm(config as unknown as BranchElmConfig, opts);
    case "elm-network":
    case "network":
      return new ElmNetwork(config as unknown as ElmNetworkConfig, opts);
    case "lstm":
      return new ChronoLstm(config as unknown as ChronoLstmConfig, opts);
    default:
      throw new ConfigError(`buildModel: unknown model kind ${JSON.stringify(kind)}; expected one of ${MODEL_KINDS.join(", ")}`);
  }
}
