// Trainable-parameter counts by formula (ELM_SPEC §3, §4), to check against
// the tensors a model actually holds and to plan sweeps without building models.
import type { ResolvedElmConfig } from "./config/elm_config.js";

/** Parameters of an MLP: input → l hidden layers of `hidden` → out (weights and biases). */
export function mlpParameterCount(input: number, hidden: number, out: number, numLayers: number): number {
  let n = 0;
  let nIn = input;
  for (let k = 0; k < numLayers; k++) {
    n += nIn * hidden + hidden;
    nIn = hidden;
  }
  return n + nIn * out + out;
}

/**
 * ELM / Branch-ELM trainable parameters, as the authors count them
 * (requires_grad tensors): w_s (d_s) + τ_m (d_m, when learned) + MLP + readout.
 * NeuronIO Branch-ELM (ELM_SPEC §3): 4500 + (45+d_m)·2d_m + 2d_m + 2d_m·d_m + d_m + 2d_m + 2.
 */
export function elmTrainableParameterCount(c: Pick<ResolvedElmConfig,
  "num_synapse" | "num_branch" | "num_memory" | "mlp_hidden_size" | "mlp_num_layers" | "num_output" | "learn_memory_tau">): number {
  return (
    c.num_synapse +
    (c.learn_memory_tau ? c.num_memory : 0) +
    mlpParameterCount(c.num_branch + c.num_memory, c.mlp_hidden_size, c.num_memory, c.mlp_num_layers) +
    c.num_memory * c.num_output + c.num_output
  );
}

export interface NetworkCountInput {
  N: number;
  dTree: number;
  dBrch: number;
  dM: number;
  dMlp: number;
  lMlp: number;
  dAxon: number;
  dOut: number;
  learnTauM: boolean;
  /** Input embedding vocabulary (adds vocab·d_in), when used. */
  vocabSize?: number | null;
  /** d_in, needed with vocabSize. */
  dIn?: number;
}

/** k_c = d_tree·d_brch: synapses (signed weights) per neuron (ELM_SPEC §4). */
export function networkKc(c: Pick<NetworkCountInput, "dTree" | "dBrch">): number {
  return c.dTree * c.dBrch;
}

/**
 * k_e: a neuron's internal parameters (ELM_SPEC §4):
 * (d_tree+d_m)·d_mlp + d_mlp + d_mlp·d_m + d_m + (d_m+1)·d_axon (+ d_m when τ_m learns),
 * plus (l_mlp−1)·(d_mlp² + d_mlp) for extra hidden layers (the spec's formula is l_mlp = 1).
 */
export function networkKe(c: Omit<NetworkCountInput, "N" | "dBrch" | "dOut">): number {
  return mlpParameterCount(c.dTree + c.dM, c.dMlp, c.dM, c.lMlp) + (c.dM + 1) * c.dAxon + (c.learnTauM ? c.dM : 0);
}

/** P = N·(k_c + k_e) + (N·d_axon + 1)·d_out (ELM_SPEC §4), + vocab·d_in with an input embedding. */
export function networkParameterCount(c: NetworkCountInput): number {
  const embed = c.vocabSize ? c.vocabSize * (c.dIn ?? NaN) : 0;
  return c.N * (networkKc(c) + networkKe(c)) + (c.N * c.dAxon + 1) * c.dOut + embed;
}
