// Language modelling (Enwik8, ELM_SPEC §4): the output o_t at every step
// predicts byte t+1; per-step cross-entropy over the real (non-padded)
// targets, reported in bits per character. Bytes enter the model one-hot
// ([B, T, 256]), which every model kind reads.
import { Tensor, crossEntropy } from "@elm/core";
import { TEXT_PAD, type TextBatch, type TextDataset } from "@elm/datasets";
import { bitsPerChar } from "../metrics.js";
import { epochSeed } from "../seeds.js";
import type { BatchSource, MetricAccumulator, TrainTask } from "../task.js";

export type { TextBatch };

/** One-hot bytes [B, T] → [B, T, vocab] float32 (padded positions, id 0, are harmless: their targets are masked). */
export function oneHotBytes(x: Int32Array, B: number, T: number, vocab: number): Float32Array {
  const out = new Float32Array(B * T * vocab);
  for (let i = 0; i < B * T; i++) {
    const v = x[i];
    if (v < 0 || v >= vocab) throw new RangeError(`byte id ${v} at position ${i} is outside [0, ${vocab})`);
    out[i * vocab + v] = 1;
  }
  return out;
}

/** Mean cross-entropy (nats) of [B, T, V] outputs over the targets that are not TEXT_PAD. */
export function textLoss(out: Tensor, b: TextBatch): Tensor {
  const [B, T] = b.shape;
  if (out.ndim !== 3 || out.shape[0] !== B || out.shape[1] !== T) throw new Error(`textLoss: outputs [${out.shape.join(", ")}] do not match the batch [${B}, ${T}, V]`);
  const t = Tensor.fromArray(b.y, [B, T], { dtype: "int32", device: out.device });
  if (b.tokens === B * T) return crossEntropy(out, t);
  const mask = new Float64Array(B * T);
  for (let i = 0; i < B * T; i++) mask[i] = b.y[i] === TEXT_PAD ? 0 : 1;
  return crossEntropy(out, t, Tensor.fromArray(mask, [B, T], { dtype: out.dtype, device: out.device }));
}

export class BpcAccumulator implements MetricAccumulator<TextBatch> {
  private natsSum = 0;
  private n = 0;
  add(_out: Tensor, b: TextBatch, loss: number): void {
    this.natsSum += loss * b.tokens;
    this.n += b.tokens;
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

function textSource(ds: TextDataset, B: number, shuffle: boolean, seed: number, cap = 0, maxEvalBatches?: number): BatchSource<TextBatch> {
  const opts = (epoch: number) => ({ batchSize: B, shuffle, seed: shuffle ? epochSeed(seed, epoch) : seed, maxBatches: shuffle ? (cap > 0 ? cap : undefined) : maxEvalBatches });
  const n = (ds as { numBatches?: (o: unknown) => number }).numBatches?.(opts(0)) ?? (cap > 0 ? cap : 0);
  return { steps: n, batches: (epoch) => ds.batches(opts(epoch)) };
}

export interface LanguageOptions {
  batchSize: number;
  evalBatchSize?: number;
  seed: number;
  stepsPerEpoch?: number;
  /** Cap on validation batches per epoch (the full test split is always scored). */
  maxValidBatches?: number;
  name?: string;
}

export function languageTask(splits: { train: TextDataset; valid?: TextDataset | null; test?: TextDataset }, o: LanguageOptions): TrainTask<TextBatch> {
  const vocab = splits.train.vocabSize;
  const evalB = o.evalBatchSize ?? o.batchSize;
  return {
    name: o.name ?? "language modelling",
    metricName: "bpc",
    higherIsBetter: false,
    inputChannels: vocab,
    outputs: vocab,
    train: textSource(splits.train, o.batchSize, true, o.seed, o.stepsPerEpoch ?? 0),
    valid: splits.valid ? textSource(splits.valid, evalB, false, o.seed, 0, o.maxValidBatches) : undefined,
    test: splits.test ? textSource(splits.test, evalB, false, o.seed) : undefined,
    input: (b) => ({ x: oneHotBytes(b.x, b.shape[0], b.shape[1], vocab), shape: [b.shape[0], b.shape[1], vocab] }),
    batchSize: (b) => b.shape[0],
    loss: textLoss,
    accumulator: () => new BpcAccumulator(),
  };
}
