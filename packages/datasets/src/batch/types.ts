// Batches as plain typed arrays (docs/CONTRACTS.md §3): no Tensor needed.
export interface Batch {
  /** [B, T, C] row-major spike counts per bin. */
  x: Float32Array;
  shape: [number, number, number];
  /** [B] class ids. */
  y: Int32Array;
}

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  dropLast?: boolean;
}

export interface Dataset {
  readonly length: number;
  readonly numClasses: number;
  readonly channels: number;
  readonly steps: number;
  batches(opts: BatchOptions): AsyncIterable<Batch> | Iterable<Batch>;
}

export function checkBatchOptions(opts: BatchOptions): void {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
}
