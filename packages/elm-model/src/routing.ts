// Input routing (ELM_SPEC §1): which input each synapse reads.
//   none:     synapse j reads input j (d_s = d_in)
//   random:   idx[j] uniform with replacement on [0, d_in), seeded; mask all ones
//   neuronio: interlock excitatory/inhibitory halves, then overlapping windows per branch
import type { Rng } from "@elm/core";
import { ConfigError } from "./errors.js";

export interface RoutingTable {
  /** [d_s] input index per synapse. */
  indices: Int32Array;
  /** [d_s] 1 where the synapse is connected, 0 where it only pads a window. */
  mask: Int32Array;
}

/** il[i] = (i mod 2)·⌊d_in/2⌋ + ⌊i/2⌋: excitatory and inhibitory inputs alternate (ELM_SPEC §1). */
export function interlockingIndices(numInput: number): Int32Array {
  const half = Math.floor(numInput / 2);
  const il = new Int32Array(numInput);
  for (let i = 0; i < numInput; i++) il[i] = (i % 2) * half + Math.floor(i / 2);
  return il;
}

/**
 * win[w][e] = w·stride + e, stride = ⌈d_in/d_tree⌉, e < d_brch; valid = win < d_in;
 * win clamped to d_in − 1 (ELM_SPEC §1). Flattened row-major over (w, e).
 */
export function overlappingWindowIndices(numInput: number, numWindows: number, perWindow: number): RoutingTable {
  const stride = Math.ceil(numInput / numWindows);
  const indices = new Int32Array(numWindows * perWindow);
  const mask = new Int32Array(numWindows * perWindow);
  for (let w = 0; w < numWindows; w++) {
    for (let e = 0; e < perWindow; e++) {
      const v = w * stride + e;
      indices[w * perWindow + e] = Math.min(v, numInput - 1);
      mask[w * perWindow + e] = v < numInput ? 1 : 0;
    }
  }
  return { indices, mask };
}

/** The authors' NeuronIO routing: synapse (w,e) reads il[win[w][e]] times valid[w][e]. */
export function neuronioRouting(numInput: number, numBranch: number, perBranch: number): RoutingTable {
  const stride = Math.ceil(numInput / numBranch);
  if (stride > perBranch) {
    throw new ConfigError(
      `neuronio routing needs ⌈num_input/num_branch⌉ ≤ num_synapse_per_branch, got ⌈${numInput}/${numBranch}⌉ = ${stride} > ${perBranch}`,
    );
  }
  const il = interlockingIndices(numInput);
  const win = overlappingWindowIndices(numInput, numBranch, perBranch);
  const indices = win.indices.map((k) => il[k]);
  return { indices, mask: win.mask };
}

/** Each of `numSynapse` synapses reads an input drawn uniformly with replacement from [0, d_in). */
export function randomRouting(numInput: number, numSynapse: number, rng: Rng): RoutingTable {
  const indices = new Int32Array(numSynapse);
  for (let j = 0; j < numSynapse; j++) indices[j] = rng.int(numInput);
  return { indices, mask: new Int32Array(numSynapse).fill(1) };
}

/** Checks a routing table (e.g. after loading a state dict): lengths, index range, 0/1 mask. */
export function checkRoutingTable(where: string, t: RoutingTable, numInput: number, numSynapse: number): void {
  if (t.indices.length !== numSynapse) throw new ConfigError(`${where}: input_to_synapse_indices has ${t.indices.length} entries, expected ${numSynapse}`);
  if (t.mask.length !== numSynapse) throw new ConfigError(`${where}: valid_indices_mask has ${t.mask.length} entries, expected ${numSynapse}`);
  for (let j = 0; j < numSynapse; j++) {
    if (t.indices[j] < 0 || t.indices[j] >= numInput) {
      throw new ConfigError(`${where}: input_to_synapse_indices[${j}] = ${t.indices[j]} is outside [0, ${numInput})`);
    }
    if (t.mask[j] !== 0 && t.mask[j] !== 1) throw new ConfigError(`${where}: valid_indices_mask[${j}] = ${t.mask[j]}, expected 0 or 1`);
  }
}
