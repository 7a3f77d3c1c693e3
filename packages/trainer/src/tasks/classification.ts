// Sequence classification (SHD, SHD-Adding, synthetic digits): cross-entropy
// of the last output o_T (ELM_SPEC §4), accuracy as the metric.
import type { Tensor } from "@elm/core";
import type { Batch, Dataset } from "@elm/datasets";
import { lastStep, lastStepCrossEntropy } from "../losses.js";
import { countCorrect } from "../metrics.js";
import type { BatchSource, MetricAccumulator, TrainTask } from "../task.js";
import { epochSeed } from "../seeds.js";

export interface ClassificationSplits {
  train: Dataset;
  valid?: Dataset;
  test?: Dataset;
}

export interface ClassificationOptions {
  name: string;
  batchSize: number;
  evalBatchSize?: number;
  seed: number;
  /** Cap on training steps per epoch (0 = whole epoch). */
  stepsPerEpoch?: number;
}

function stepsOf(ds: Dataset, B: number): number {
  return Math.ceil(ds.length / B);
}

function source(ds: Dataset, B: number, shuffle: boolean, seed: number, cap = 0): BatchSource<Batch> {
  const full = stepsOf(ds, B);
  const steps = cap > 0 ? Math.min(cap, full) : full;
  return {
    steps,
    batches(epoch: number) {
      const it = ds.batches({ batchSize: B, shuffle, seed: shuffle ? epochSeed(seed, epoch) : seed, dropLast: false });
      return cap > 0 ? take(it, steps) : it;
    },
  };
}

async function* take<T>(it: Iterable<T> | AsyncIterable<T>, n: number): AsyncIterable<T> {
  if (n <= 0) return;
  let k = 0;
  for await (const v of it as AsyncIterable<T>) {
    yield v;
    if (++k >= n) return;
  }
}

export class ClassificationAccumulator implements MetricAccumulator<Batch> {
  private lossSum = 0;
  private correct = 0;
  private n = 0;
  add(out: Tensor, batch: Batch, loss: number): void {
    const B = batch.y.length;
    const logits = lastStep(out);
    this.lossSum += loss * B;
    this.correct += countCorrect(logits.data, batch.y, logits.shape[1]);
    this.n += B;
  }
  result(): { loss: number; metric?: number } {
    return this.n === 0 ? { loss: NaN, metric: NaN } : { loss: this.lossSum / this.n, metric: this.correct / this.n };
  }
  state(): number[] {
    return [this.lossSum, this.correct, this.n];
  }
  load(s: number[]): void {
    [this.lossSum, this.correct, this.n] = s;
  }
}

export function classificationTask(splits: ClassificationSplits, o: ClassificationOptions): TrainTask<Batch> {
  const evalB = o.evalBatchSize ?? Math.max(o.batchSize, 32);
  return {
    name: o.name,
    metricName: "accuracy",
    higherIsBetter: true,
    inputChannels: splits.train.channels,
    outputs: splits.train.numClasses,
    train: source(splits.train, o.batchSize, true, o.seed, o.stepsPerEpoch ?? 0),
    valid: splits.valid ? source(splits.valid, evalB, false, o.seed) : undefined,
    test: splits.test ? source(splits.test, evalB, false, o.seed) : undefined,
    input: (b) => ({ x: b.x, shape: b.shape }),
    batchSize: (b) => b.y.length,
    loss: (out, b) => lastStepCrossEntropy(out, b.y).loss,
    accumulator: () => new ClassificationAccumulator(),
  };
}
