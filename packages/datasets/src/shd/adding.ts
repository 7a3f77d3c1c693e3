// SHD-Adding (Spieler et al., "The ELM neuron", 2024): two SHD samples drawn
// uniformly (with replacement) and concatenated in time, [B, 2T, 700]; the
// label is the sum of the two digits irrespective of language,
// (a mod 10) + (b mod 10) ∈ [0, 18] — 19 classes. An epoch has a fixed number
// of batches (the authors: 500 batches of 8).
import { checkBatchOptions, type Batch, type BatchOptions, type Dataset } from "../batch/types.js";
import { DataRng } from "../rng.js";
import { binSamples, scatterSample, type BinnedSamples } from "./binned.js";
import { checkIndices, type BinOptions } from "./dataset.js";
import type { SpikeSamples } from "./samples.js";

export interface AddingOptions extends BinOptions {
  /** Samples (pairs) per epoch; default 4000 = the authors' 500 batches × 8. */
  samplesPerEpoch?: number;
  /** Seed of the fixed pairs used when batches() is called with shuffle = false. */
  seed?: number;
}

export const addingLabel = (a: number, b: number): number => (a % 10) + (b % 10);

export class ShdAddingDataset implements Dataset {
  readonly samples: SpikeSamples;
  readonly binned: BinnedSamples;
  readonly numClasses = 19;
  readonly channels: number;
  readonly steps: number;
  readonly length: number;
  readonly seed: number;
  constructor(samples: SpikeSamples, opts: AddingOptions = {}) {
    if (samples.labels.length === 0) throw new RangeError(`SHD-Adding needs at least one sample (${samples.source} has none)`);
    this.samples = samples;
    this.binned = binSamples(samples, opts.binMs ?? 2, opts.maxTimeS ?? 1.0);
    this.channels = samples.channels;
    this.steps = 2 * this.binned.bins.steps;
    this.length = opts.samplesPerEpoch ?? 4000;
    if (!Number.isInteger(this.length) || this.length < 1) throw new RangeError(`samplesPerEpoch must be a positive integer, got ${this.length}`);
    this.seed = opts.seed ?? 0;
  }
  /** One batch of pairs (first[k], second[k]). */
  batchOf(first: ArrayLike<number>, second: ArrayLike<number>): Batch {
    const B = first.length;
    if (second.length !== B) throw new RangeError(`SHD-Adding batch: ${B} first samples but ${second.length} second samples`);
    checkIndices(first, this.samples.labels.length);
    checkIndices(second, this.samples.labels.length);
    const T1 = this.binned.bins.steps;
    const C = this.channels;
    const x = new Float32Array(B * 2 * T1 * C);
    const y = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const base = b * 2 * T1 * C;
      scatterSample(this.binned, first[b], x, base);
      scatterSample(this.binned, second[b], x, base + T1 * C);
      y[b] = addingLabel(this.samples.labels[first[b]], this.samples.labels[second[b]]);
    }
    return { x, shape: [B, 2 * T1, C], y };
  }
  /**
   * ⌊samplesPerEpoch / batchSize⌋ batches (plus a partial one unless dropLast).
   * Pairs are drawn from `seed` when shuffle is true (pass a new seed per
   * training epoch: fresh pairs, as the authors' training loader), and from
   * the dataset's own seed when false (the same pairs every time, as the
   * authors' evaluation loader). Per batch: B first indices, then B second.
   */
  *batches(opts: BatchOptions): Iterable<Batch> {
    checkBatchOptions(opts);
    const rng = new DataRng(opts.shuffle ? opts.seed : this.seed);
    const n = this.samples.labels.length;
    const B = opts.batchSize;
    const full = Math.floor(this.length / B);
    const rest = opts.dropLast ? 0 : this.length % B;
    for (let k = 0; k < full + (rest > 0 ? 1 : 0); k++) {
      const bs = k < full ? B : rest;
      const first = new Int32Array(bs);
      const second = new Int32Array(bs);
      for (let i = 0; i < bs; i++) first[i] = rng.int(n);
      for (let i = 0; i < bs; i++) second[i] = rng.int(n);
      yield this.batchOf(first, second);
    }
  }
}
