// NeuronIO (ELM_SPEC §6): the model reads the synaptic inputs per ms (+1
// excitatory, −1 inhibitory spikes; 1278 channels in the published data) and
// predicts the somatic spike (logit, output 0) and the scaled soma voltage
// (output 1); loss BCE + w·MSE after the burn-in; metrics: ROC AUC of the
// spike prediction (the main metric) and soma RMSE in mV, with @elm/datasets'
// implementations of the authors' evaluation (rocAucRank, rmse).
import { sigmoid, type Tensor } from "@elm/core";
import { NEURONIO_SOMA_SCALE, rmse as rmseNeuronio, rocAucRank, type NeuronioBatch } from "@elm/datasets";
import { neuronIoLoss } from "../losses.js";
import type { BatchSource, MetricAccumulator, TrainTask } from "../task.js";

export type { NeuronioBatch };

export interface NeuronIoOptions {
  burnIn: number;
  somaWeight: number;
  /** Input channels (2 × segments). */
  channels?: number;
}

/** Keeps every post-burn-in prediction of a pass (the AUC needs them all). */
export class NeuronIoAccumulator implements MetricAccumulator<NeuronioBatch> {
  private lossSum = 0;
  private n = 0;
  private readonly labels: number[] = [];
  private readonly scores: number[] = [];
  private readonly somaPred: number[] = [];
  private readonly somaTrue: number[] = [];
  constructor(private readonly o: NeuronIoOptions, private readonly full: boolean) {}
  add(out: Tensor, b: NeuronioBatch, loss: number): void {
    const [B, T] = b.shape;
    this.lossSum += loss * B;
    this.n += B;
    if (!this.full) return;
    const p = sigmoid(out).data; // only output 0 is read as a probability
    const d = out.data;
    const C = out.shape[2];
    for (let i = 0; i < B; i++) {
      for (let t = this.o.burnIn; t < T; t++) {
        const r = (i * T + t) * C;
        this.scores.push(p[r]);
        this.labels.push(b.ySpike[i * T + t]);
        this.somaPred.push(d[r + 1]);
        this.somaTrue.push(b.ySoma[i * T + t]);
      }
    }
  }
  result(): { loss: number; metric?: number; extra?: Record<string, number> } {
    const loss = this.n ? this.lossSum / this.n : NaN;
    if (!this.full || this.labels.length === 0) return { loss };
    let auc = NaN;
    try {
      auc = rocAucRank(this.labels, this.scores);
    } catch {
      auc = NaN; // a split without spikes (or only spikes) has no AUC
    }
    // targets are (soma − bias)·scale; RMSE in mV undoes the scale
    return { loss, metric: auc, extra: { somaRmseMv: rmseNeuronio(this.somaTrue, this.somaPred) / NEURONIO_SOMA_SCALE } };
  }
  state(): number[] {
    return [this.lossSum, this.n];
  }
  load(s: number[]): void {
    [this.lossSum, this.n] = s;
  }
}

export function neuronIoTask(splits: { train: BatchSource<NeuronioBatch>; valid?: BatchSource<NeuronioBatch>; test?: BatchSource<NeuronioBatch> }, o: NeuronIoOptions): TrainTask<NeuronioBatch> {
  return {
    name: "NeuronIO",
    metricName: "auc",
    higherIsBetter: true,
    inputChannels: o.channels ?? 1278,
    outputs: 2,
    ...splits,
    input: (b) => ({ x: b.x, shape: b.shape }),
    batchSize: (b) => b.shape[0],
    loss: (out, b) => neuronIoLoss(out, { spike: b.ySpike, soma: b.ySoma }, o.burnIn, o.somaWeight).loss,
    accumulator: (kind) => new NeuronIoAccumulator(o, kind === "eval"),
  };
}
