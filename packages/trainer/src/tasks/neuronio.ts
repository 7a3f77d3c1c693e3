// NeuronIO (ELM_SPEC §6): the model reads 1278 synaptic inputs per ms and
// predicts the somatic spike (logit, channel 0) and the soma voltage
// (channel 1); BCE + w·MSE after a burn-in; ROC AUC of the spike prediction
// and RMSE of the soma as metrics.
import { sigmoid, type Tensor } from "@elm/core";
import { neuronIoLoss } from "../losses.js";
import { rmse, rocAuc } from "../metrics.js";
import type { BatchSource, MetricAccumulator, TrainTask } from "../task.js";

export interface NeuronIoBatch {
  /** [B, T, 1278] input spikes. */
  x: Float32Array;
  shape: [number, number, number];
  /** [B, T] 0/1 somatic spikes. */
  spike: Float32Array;
  /** [B, T] soma target, scaled as the model predicts it. */
  soma: Float32Array;
}

export interface NeuronIoOptions {
  burnIn: number;
  somaWeight: number;
}

/** Keeps every post-burn-in prediction of a pass (AUC needs them all). */
export class NeuronIoAccumulator implements MetricAccumulator<NeuronIoBatch> {
  private lossSum = 0;
  private n = 0;
  private readonly labels: number[] = [];
  private readonly scores: number[] = [];
  private readonly somaPred: number[] = [];
  private readonly somaTrue: number[] = [];
  constructor(private readonly o: NeuronIoOptions, private readonly full: boolean) {}
  add(out: Tensor, b: NeuronIoBatch, loss: number): void {
    const [B, T] = b.shape;
    this.lossSum += loss * B;
    this.n += B;
    if (!this.full) return;
    const p = sigmoid(out).data; // [B, T, 2]; only channel 0 is read as a probability
    const d = out.data;
    const C = out.shape[2];
    for (let i = 0; i < B; i++) {
      for (let t = this.o.burnIn; t < T; t++) {
        const r = (i * T + t) * C;
        this.scores.push(p[r]);
        this.labels.push(b.spike[i * T + t]);
        this.somaPred.push(d[r + 1]);
        this.somaTrue.push(b.soma[i * T + t]);
      }
    }
  }
  result(): { loss: number; metric?: number; extra?: Record<string, number> } {
    const loss = this.n ? this.lossSum / this.n : NaN;
    if (!this.full || this.labels.length === 0) return { loss };
    let auc = NaN;
    try {
      auc = rocAuc(this.labels, this.scores);
    } catch {
      auc = NaN; // a split with no spike (or only spikes) has no AUC
    }
    return { loss, metric: auc, extra: { somaRmse: rmse(this.somaPred, this.somaTrue) } };
  }
  state(): number[] {
    return [this.lossSum, this.n];
  }
  load(s: number[]): void {
    [this.lossSum, this.n] = s;
  }
}

export function neuronIoTask(splits: { train: BatchSource<NeuronIoBatch>; valid?: BatchSource<NeuronIoBatch>; test?: BatchSource<NeuronIoBatch> }, o: NeuronIoOptions): TrainTask<NeuronIoBatch> {
  return {
    name: "NeuronIO",
    metricName: "auc",
    higherIsBetter: true,
    inputChannels: 1278,
    outputs: 2,
    ...splits,
    input: (b) => ({ x: b.x, shape: b.shape }),
    batchSize: (b) => b.shape[0],
    loss: (out, b) => neuronIoLoss(out, { spike: b.spike, soma: b.soma }, o.burnIn, o.somaWeight).loss,
    accumulator: (kind) => new NeuronIoAccumulator(o, kind === "eval"),
  };
}
