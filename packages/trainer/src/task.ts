// A training task: where batches come from, how a batch becomes a loss, and
// how a split is scored. The loop is generic over the batch type.
import type { Tensor } from "@elm/core";

export interface BatchSource<B> {
  /** Batches of one pass; `epoch` seeds the order (training) and is ignored for evaluation splits. */
  batches(epoch: number): Iterable<B> | AsyncIterable<B>;
  /** Number of batches one pass yields. */
  readonly steps: number;
}

/** Running sums over a pass; `state()` round-trips so an interrupted epoch resumes exactly. */
export interface MetricAccumulator<B> {
  add(out: Tensor, batch: B, loss: number): void;
  /** Mean loss and the task metric so far (metric undefined when not computed). */
  result(): { loss: number; metric?: number; extra?: Record<string, number> };
  state(): number[];
  load(s: number[]): void;
}

export interface TrainTask<B> {
  readonly name: string;
  readonly metricName: string;
  readonly higherIsBetter: boolean;
  readonly inputChannels: number;
  readonly outputs: number;
  readonly train: BatchSource<B>;
  readonly valid?: BatchSource<B>;
  readonly test?: BatchSource<B>;
  /** The model input of a batch. */
  input(batch: B): { x: Float32Array | Float64Array; shape: [number, number, number] };
  batchSize(batch: B): number;
  loss(out: Tensor, batch: B): Tensor;
  /** Accumulator for training (may skip costly metrics) or evaluation. */
  accumulator(kind: "train" | "eval"): MetricAccumulator<B>;
}
