// A tiny recurrent model in plain core ops and a small in-memory sequence
// task, to exercise the training loop (not the ELM kernels): fast on `ref`.
import { Tensor, add, dropout, matmul, randUniform, reshape, slice, stack, tanh, zeros, type Rng } from "@elm/core";
import type { Batch, Dataset } from "@elm/datasets";
import type { ForwardContext, TrainableModel } from "../../src/model.js";

/** h_t = tanh(x_t W + h_{t−1} U + b), o_t = dropout(h_t) V + c. */
export class TinyRnn implements TrainableModel {
  readonly kind = "tiny-rnn";
  readonly params: Record<string, Tensor>;
  constructor(readonly dIn: number, readonly dH: number, readonly dOut: number, rng: Rng, readonly p = 0.1) {
    const u = (shape: number[], fan: number) => randUniform(shape, rng, -1 / Math.sqrt(fan), 1 / Math.sqrt(fan), { requiresGrad: true });
    this.params = { W: u([dIn, dH], dIn), U: u([dH, dH], dH), b: u([dH], dH), V: u([dH, dOut], dH), c: u([dOut], dH) };
  }
  namedParameters(): [string, Tensor][] {
    return Object.entries(this.params);
  }
  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const [B, T] = x.shape;
    const { W, U, b, V, c } = this.params;
    let h = zeros([B, this.dH]);
    const outs: Tensor[] = [];
    for (let t = 0; t < T; t++) {
      const xt = reshape(slice(x, 1, t, t + 1), [B, this.dIn]);
      h = tanh(add(add(matmul(xt, W), matmul(h, U)), b));
      outs.push(add(matmul(dropout(h, this.p, ctx.rng, ctx.training), V), c));
    }
    return stack(outs, 1);
  }
  stateDict(): Record<string, Tensor> {
    return { ...this.params };
  }
  loadStateDict(sd: Record<string, Tensor>): void {
    for (const [k, p] of Object.entries(this.params)) {
      const s = sd[k];
      if (!s || s.size !== p.size) throw new Error(`TinyRnn: state dict lacks '${k}' of ${p.size} values`);
      (p.data as Float32Array).set(s.data);
    }
  }
  describe(): Record<string, unknown> {
    return { dIn: this.dIn, dH: this.dH, dOut: this.dOut };
  }
}

/**
 * Which of `C` channels fires first: x[b, t, c] has a spike at the onset
 * time of channel c; the label is the channel with the earliest onset
 * (a summing model is at chance, every channel fires once).
 */
export class FirstChannelTask implements Dataset {
  readonly numClasses: number;
  readonly channels: number;
  readonly steps: number;
  readonly x: Float32Array;
  readonly y: Int32Array;
  constructor(readonly length: number, C: number, T: number, rng: Rng) {
    this.numClasses = C;
    this.channels = C;
    this.steps = T;
    this.x = new Float32Array(length * T * C);
    this.y = new Int32Array(length);
    for (let i = 0; i < length; i++) {
      const order = rng.permutation(T).subarray(0, C);
      let best = 0;
      for (let c = 0; c < C; c++) {
        this.x[i * T * C + order[c] * C + c] = 1;
        if (order[c] < order[best]) best = c;
      }
      this.y[i] = best;
    }
  }
  *batches(opts: { batchSize: number; shuffle: boolean; seed: number; dropLast?: boolean }): Iterable<Batch> {
    const idx = Int32Array.from({ length: this.length }, (_, i) => i);
    if (opts.shuffle) {
      let s = opts.seed >>> 0 || 1;
      for (let i = idx.length - 1; i > 0; i--) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        const j = s % (i + 1);
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
    }
    const { T, C } = { T: this.steps, C: this.channels };
    for (let a = 0; a < idx.length; a += opts.batchSize) {
      const ids = idx.subarray(a, Math.min(idx.length, a + opts.batchSize));
      const x = new Float32Array(ids.length * T * C);
      const y = new Int32Array(ids.length);
      ids.forEach((id, k) => {
        x.set(this.x.subarray(id * T * C, (id + 1) * T * C), k * T * C);
        y[k] = this.y[id];
      });
      yield { x, shape: [ids.length, T, C], y };
    }
  }
}
