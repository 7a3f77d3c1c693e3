// Language modelling (Enwik8, ELM_SPEC §4): the output o_t at every step
// predicts byte t+1; per-step cross-entropy, reported in bits per character.
import type { Tensor } from "@elm/core";
import { perStepCrossEntropy } from "../losses.js";
import { bitsPerChar } from "../metrics.js";
import type { BatchSource, MetricAccumulator, TrainTask } from "../task.js";

export interface TextBatch {
  /** [B, T, V] one-hot (or embedded) inputs. */
  x: Float32Array;
  shape: [number, number, number];
  /** [B, T] next-byte targets. */
  targets: Int32Array;
}

export class BpcAccumulator implements MetricAccumulator<TextBatch> {
  private natsSum = 0;
  private n = 0;
  add(_out: Tensor, b: TextBatch, loss: number): void {
    const k = b.targets.length;
    this.natsSum += loss * k;
    this.n += k;
  }
  result(): { loss: number; metric?: number } {
    const loss = this.n ? this.natsSum / this.n : NaN;
    return { loss, metric: bitsPerChar(loss) };
  }
  state(): number[] {
    return [this.natsSum, this.n];
  }
  load(s: number[]): void {
    [this.natsSum, this.n] = s;
  }
}

export function languageTask(splits: { train: BatchSource<TextBatch>; valid?: BatchSource<TextBatch>; test?: BatchSource<TextBatch> }, vocab = 256): TrainTask<TextBatch> {
  return {
    name: "language modelling",
    metricName: "bpc",
    higherIsBetter: false,
    inputChannels: vocab,
    outputs: vocab,
    ...splits,
    input: (b) => ({ x: b.x, shape: b.shape }),
    batchSize: (b) => b.shape[0],
    loss: (out, b) => perStepCrossEntropy(out, b.targets),
    accumulator: () => new BpcAccumulator(),
  };
}
