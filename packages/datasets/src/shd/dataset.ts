// SHD as a Dataset (CONTRACTS §3): batches [B, T, 700] of spike counts and
// labels in [0, 20), densified per batch from the sparse samples.
import { checkBatchOptions, type Batch, type BatchOptions, type Dataset } from "../batch/types.js";
import { DataRng } from "../rng.js";
import { binSamples, scatterSample, type BinnedSamples } from "./binned.js";
import type { SpikeSamples } from "./samples.js";

export interface BinOptions {
  /** Bin width in milliseconds (the papers use 2 → T = 500). */
  binMs?: number;
  /** Window start..end in seconds (the authors use 1.0). */
  maxTimeS?: number;
}

export function checkIndices(indices: ArrayLike<number>, n: number): void {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`sample index ${i} (batch row ${k}) is out of range [0, ${n})`);
  }
}

export class ShdDataset implements Dataset {
  readonly samples: SpikeSamples;
  readonly binned: BinnedSamples;
  readonly numClasses: number;
  readonly channels: number;
  readonly steps: number;
  constructor(samples: SpikeSamples, opts: BinOptions = {}) {
    this.samples = samples;
    this.binned = binSamples(samples, opts.binMs ?? 2, opts.maxTimeS ?? 1.0);
    this.numClasses = samples.numClasses;
    this.channels = samples.channels;
    this.steps = this.binned.bins.steps;
  }
  get length(): number {
    return this.samples.labels.length;
  }
  /** Densifies the samples at `indices` into one batch. */
  batchOf(indices: ArrayLike<number>): Batch {
    const B = indices.length;
    const T = this.steps;
    const C = this.channels;
    const x = new Float32Array(B * T * C);
    const y = new Int32Array(B);
    checkIndices(indices, this.length);
    for (let b = 0; b < B; b++) {
      scatterSample(this.binned, indices[b], x, b * T * C);
      y[b] = this.samples.labels[indices[b]];
    }
    return { x, shape: [B, T, C], y };
  }
  /** One epoch: samples in order, or shuffled by `seed`; the last partial batch kept unless dropLast. */
  *batches(opts: BatchOptions): Iterable<Batch> {
    checkBatchOptions(opts);
    const n = this.length;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (opts.shuffle) new DataRng(opts.seed).shuffle(order);
    const B = opts.batchSize;
    const end = opts.dropLast ? n - (n % B) : n;
    for (let a = 0; a < end; a += B) yield this.batchOf(order.subarray(a, Math.min(end, a + B)));
  }
}
