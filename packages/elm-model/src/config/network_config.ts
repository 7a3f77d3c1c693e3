// Configuration of the ELM Network (ELM_SPEC §4, our reading of arXiv 2605.12049):
// N Branch-ELM-kind neurons whose synapses read the input and the other
// neurons' previous outputs. Field names follow the authors' ELM arguments
// where they exist; camelCase spellings are accepted too.
import { ConfigError } from "../errors.js";
import type { Activation } from "./elm_config.js";
import { bool, finiteNum, normalizeKeys, oneOf, posInt, posNum } from "./validate.js";

export interface ElmNetworkConfig {
  /** d_in */
  num_input: number;
  /** d_out (task readout W_o) */
  num_output: number;
  /** N neurons */
  num_neurons: number;
  /** d_tree branches per neuron */
  num_branch: number;
  /** d_brch synapses per branch; k_c = d_tree·d_brch */
  num_synapse_per_branch: number;
  /** d_m memory units per neuron */
  num_memory: number;
  /** d_mlp (default / null: 2·num_memory) */
  mlp_hidden_size?: number | null;
  /** l_mlp (default 1) */
  mlp_num_layers?: number;
  mlp_activation?: Activation;
  /** d_axon outputs per neuron (default 1) */
  d_axon?: number;
  /** fraction of each neuron's synapses that read neuron outputs (default 0.5) */
  rec_frac?: number;
  lambda_value?: number;
  tau_b_value?: number;
  memory_tau_min?: number;
  memory_tau_max?: number;
  learn_memory_tau?: boolean;
  delta_t?: number;
  /**
   * Input embedding (ELM_SPEC §4 "+ input embedding when used", e.g. bytes for
   * Enwik8): when set, the input is int32 token ids [B,T] in [0, vocab_size),
   * embedded by `embedding.weight` [vocab_size, num_input]. Default null: x is [B,T,num_input].
   */
  vocab_size?: number | null;
}

export type ResolvedElmNetworkConfig = Required<Omit<ElmNetworkConfig, "mlp_hidden_size" | "vocab_size">> & {
  mlp_hidden_size: number;
  vocab_size: number | null;
  /** k_c = d_tree·d_brch */
  k_c: number;
  /** recurrent synapses per neuron: round(rec_frac·k_c) */
  num_recurrent_synapses: number;
};

const KNOWN = [
  "num_input", "num_output", "num_neurons", "num_branch", "num_synapse_per_branch", "num_memory", "mlp_hidden_size",
  "mlp_num_layers", "mlp_activation", "d_axon", "rec_frac", "lambda_value", "tau_b_value", "memory_tau_min",
  "memory_tau_max", "learn_memory_tau", "delta_t", "vocab_size",
] as const;

export function resolveNetworkConfig(cfg: ElmNetworkConfig | Record<string, unknown>): ResolvedElmNetworkConfig {
  const w = "ElmNetwork";
  const c = normalizeKeys(w, cfg, KNOWN);
  const num_input = posInt(w, "num_input", c.num_input);
  const num_output = posInt(w, "num_output", c.num_output);
  const num_neurons = posInt(w, "num_neurons", c.num_neurons);
  const num_branch = posInt(w, "num_branch", c.num_branch);
  const num_synapse_per_branch = posInt(w, "num_synapse_per_branch", c.num_synapse_per_branch);
  const num_memory = posInt(w, "num_memory", c.num_memory);
  const mlp_hidden_size = c.mlp_hidden_size == null ? 2 * num_memory : posInt(w, "mlp_hidden_size", c.mlp_hidden_size);
  const mlp_num_layers = posInt(w, "mlp_num_layers", c.mlp_num_layers ?? 1);
  const mlp_activation = oneOf<Activation>(w, "mlp_activation", c.mlp_activation ?? "relu", ["relu", "silu"]);
  const d_axon = posInt(w, "d_axon", c.d_axon ?? 1);
  const rec_frac = finiteNum(w, "rec_frac", c.rec_frac ?? 0.5);
  if (rec_frac < 0 || rec_frac > 1) throw new ConfigError(`${w}: rec_frac must be in [0, 1], got ${rec_frac}`);
  const lambda_value = posNum(w, "lambda_value", c.lambda_value ?? 5);
  const tau_b_value = posNum(w, "tau_b_value", c.tau_b_value ?? 5);
  const memory_tau_min = finiteNum(w, "memory_tau_min", c.memory_tau_min ?? 1);
  const memory_tau_max = finiteNum(w, "memory_tau_max", c.memory_tau_max ?? 1000);
  if (memory_tau_min < 0) throw new ConfigError(`${w}: memory_tau_min must be ≥ 0, got ${memory_tau_min}`);
  if (memory_tau_min >= memory_tau_max) throw new ConfigError(`${w}: memory_tau_min (${memory_tau_min}) must be < memory_tau_max (${memory_tau_max})`);
  if (memory_tau_max - memory_tau_min <= 2e-6) {
    throw new ConfigError(`${w}: memory_tau_max − memory_tau_min must exceed 2e-6, got ${memory_tau_min} and ${memory_tau_max}`);
  }
  const learn_memory_tau = bool(w, "learn_memory_tau", c.learn_memory_tau ?? false);
  const delta_t = posNum(w, "delta_t", c.delta_t ?? 1);
  const vocab_size = c.vocab_size == null ? null : posInt(w, "vocab_size", c.vocab_size);
  const k_c = num_branch * num_synapse_per_branch;
  return {
    vocab_size,
    num_input, num_output, num_neurons, num_branch, num_synapse_per_branch, num_memory, mlp_hidden_size, mlp_num_layers,
    mlp_activation, d_axon, rec_frac, lambda_value, tau_b_value, memory_tau_min, memory_tau_max, learn_memory_tau, delta_t,
    k_c, num_recurrent_synapses: Math.round(rec_frac * k_c),
  };
}

/** The config as JSON (rebuilds the same model with the same seed). */
export function networkConfigJson(r: ResolvedElmNetworkConfig): ElmNetworkConfig {
  const { k_c: _kc, num_recurrent_synapses: _nr, ...rest } = r;
  return { ...rest };
}
