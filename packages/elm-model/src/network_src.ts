// The ELM Network's fixed connectivity (ELM_SPEC §4): src[i][j] indexes
// z_t = [x_t ; y_{t−1}] (length d_in + N·d_axon). Per neuron, round(rec_frac·k_c)
// synapses read neuron outputs and the rest read inputs, each drawn without
// replacement from its pool; when a pool is smaller than the draw, it is used
// whole again and again (fresh permutations), so every source is read
// ⌊count/pool⌋ or ⌈count/pool⌉ times. The k_c slots are then shuffled so inputs
// and recurrent reads mix across branches.
import type { Rng } from "@elm/core";
import { ConfigError } from "./errors.js";

function drawBalanced(count: number, pool: number, offset: number, rng: Rng, out: number[]): void {
  let left = count;
  while (left > 0) {
    const perm = rng.permutation(pool);
    const take = Math.min(left, pool);
    for (let q = 0; q < take; q++) out.push(offset + perm[q]);
    left -= take;
  }
}

export interface SrcTableSpec {
  numInput: number;
  numNeurons: number;
  dAxon: number;
  kc: number;
  numRecurrent: number;
}

/** [N·k_c] row-major src table (ELM_SPEC §4), seeded. */
export function makeSrcTable(s: SrcTableSpec, rng: Rng): Int32Array {
  const { numInput, numNeurons, dAxon, kc, numRecurrent } = s;
  if (numRecurrent < 0 || numRecurrent > kc) throw new ConfigError(`makeSrcTable: numRecurrent must be in [0, ${kc}], got ${numRecurrent}`);
  const src = new Int32Array(numNeurons * kc);
  for (let i = 0; i < numNeurons; i++) {
    const row: number[] = [];
    drawBalanced(numRecurrent, numNeurons * dAxon, numInput, rng, row);
    drawBalanced(kc - numRecurrent, numInput, 0, rng, row);
    rng.shuffle(row);
    src.set(row, i * kc);
  }
  return src;
}

/** Refuses a src entry outside [0, d_in + N·d_axon), naming it. */
export function checkSrcTable(where: string, src: ArrayLike<number>, s: Omit<SrcTableSpec, "numRecurrent">): void {
  const dZ = s.numInput + s.numNeurons * s.dAxon;
  if (src.length !== s.numNeurons * s.kc) throw new ConfigError(`${where}: src has ${src.length} entries, expected N·k_c = ${s.numNeurons * s.kc}`);
  for (let q = 0; q < src.length; q++) {
    if (!(src[q] >= 0 && src[q] < dZ)) {
      throw new ConfigError(
        `${where}: src[${Math.floor(q / s.kc)}][${q % s.kc}] = ${src[q]} is out of range; expected 0 ≤ src < d_in + N·d_axon = ${dZ}`,
      );
    }
  }
}
