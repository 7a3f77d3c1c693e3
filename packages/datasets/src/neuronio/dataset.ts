// NeuronIO as training samples: windows of `windowSize` ms cut from the
// simulations, inputs synapse-typed (+1 excitatory, −1 inhibitory spikes),
// targets as the authors preprocess them (spike 0/1; soma capped at −55 mV,
// −67.7 mV bias removed, scaled by 1/10). The first `burnIn` steps of each
// window are for the state to settle; the loss should skip them.
import { DataRng } from "../rng.js";
import { fillInputWindow, type NeuronioSimulations, type NeuronioSparseSimulations } from "./read.js";
import { somaTarget32, type SomaTargetOptions } from "./targets.js";

export interface NeuronioBatch {
  /** [B, W, 2S] row-major: +1/−1/0 (exc spikes, then inh spikes as −1). */
  x: Float32Array;
  shape: [number, number, number];
  /** [B, W] 0/1 output spikes */
  ySpike: Float32Array;
  /** [B, W] scaled soma target */
  ySoma: Float32Array;
  /** steps at the start of each window to leave out of the loss */
  burnIn: number;
  /** where each row was cut from */
  windows: WindowRef[];
}

export interface NeuronioWindowOptions {
  /** window length in ms (paper: 500) */
  windowSize?: number;
  /** steps between window starts for the deterministic tiling (default windowSize − burnIn) */
  stride?: number;
  /** leading steps of a window excluded from the loss (paper: 150) */
  burnIn?: number;
  /** ms at the start of each simulation never used (authors: ignore_time_from_start = 500) */
  ignoreTimeFromStart?: number;
  soma?: SomaTargetOptions;
}

export interface WindowRef { file: number; sim: number; start: number }

export class NeuronioDataset {
  readonly windowSize: number;
  readonly stride: number;
  readonly burnIn: number;
  readonly ignoreTimeFromStart: number;
  readonly channels: number;
  private readonly refs: WindowRef[] = [];

  constructor(readonly files: readonly (NeuronioSimulations | NeuronioSparseSimulations)[], private readonly opts: NeuronioWindowOptions = {}) {
    if (files.length === 0) throw new RangeError("NeuronioDataset needs at least one simulation file");
    this.windowSize = opts.windowSize ?? 500;
    this.burnIn = opts.burnIn ?? 150;
    this.stride = opts.stride ?? this.windowSize - this.burnIn;
    this.ignoreTimeFromStart = opts.ignoreTimeFromStart ?? 500;
    const W = this.windowSize;
    if (!Number.isInteger(W) || W < 1) throw new RangeError(`windowSize must be a positive integer, got ${W}`);
    if (!Number.isInteger(this.burnIn) || this.burnIn < 0 || this.burnIn >= W) throw new RangeError(`burnIn must be an integer in [0, windowSize), got ${this.burnIn}`);
    if (!Number.isInteger(this.stride) || this.stride < 1) throw new RangeError(`stride must be a positive integer, got ${this.stride}`);
    if (!Number.isInteger(this.ignoreTimeFromStart) || this.ignoreTimeFromStart < 0) throw new RangeError(`ignoreTimeFromStart must be a non-negative integer, got ${this.ignoreTimeFromStart}`);
    this.channels = 2 * files[0]!.numSegments;
    files.forEach((f, i) => {
      if (2 * f.numSegments !== this.channels) throw new RangeError(`file ${i} has ${2 * f.numSegments} inputs, file 0 has ${this.channels}`);
      if (f.simDurationMs < this.ignoreTimeFromStart + W) {
        throw new RangeError(`file ${i}: ${f.simDurationMs} ms is shorter than ignoreTimeFromStart + windowSize = ${this.ignoreTimeFromStart + W}`);
      }
      for (let s = 0; s < f.numSimulations; s++) {
        for (let st = this.ignoreTimeFromStart; st + W <= f.simDurationMs; st += this.stride) this.refs.push({ file: i, sim: s, start: st });
      }
    });
  }

  /** Number of deterministic windows (the tiling by `stride`). */
  get length(): number { return this.refs.length; }
  get steps(): number { return this.windowSize; }
  windows(): readonly WindowRef[] { return this.refs; }

  /** Assemble the batch for these windows. */
  batch(refs: readonly WindowRef[]): NeuronioBatch {
    const B = refs.length, W = this.windowSize, C = this.channels;
    const x = new Float32Array(B * W * C), ySpike = new Float32Array(B * W), ySoma = new Float32Array(B * W);
    refs.forEach((r, b) => {
      const f = this.files[r.file];
      if (!f || r.sim < 0 || r.sim >= f.numSimulations || r.start < 0 || r.start + W > f.simDurationMs) {
        throw new RangeError(`window ${JSON.stringify(r)} is outside the data`);
      }
      const sims = f.numSimulations;
      fillInputWindow(f, r.sim, r.start, W, x, b * W * C);
      for (let t = 0; t < W; t++) {
        const tt = r.start + t;
        ySpike[b * W + t] = f.ySpike[tt * sims + r.sim]!;
        ySoma[b * W + t] = somaTarget32(f.ySoma[tt * sims + r.sim]!, this.opts.soma);
      }
    });
    return { x, shape: [B, W, C], ySpike, ySoma, burnIn: this.burnIn, windows: refs.map((r) => ({ ...r })) };
  }

  /** The deterministic windows in batches, shuffled with `seed` when asked. */
  *batches(o: { batchSize: number; shuffle: boolean; seed: number; dropLast?: boolean }): Iterable<NeuronioBatch> {
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${o.batchSize}`);
    const order = Array.from({ length: this.refs.length }, (_, i) => i);
    if (o.shuffle) new DataRng(o.seed).shuffle(order);
    for (let i = 0; i < order.length; i += o.batchSize) {
      const idx = order.slice(i, i + o.batchSize);
      if (idx.length < o.batchSize && o.dropLast) break;
      yield this.batch(idx.map((j) => this.refs[j]!));
    }
  }

  /**
   * The authors' generate_batch: one file, `batchSize` distinct simulations,
   * each at a start drawn uniformly from [ignoreTimeFromStart, T − windowSize).
   */
  sampleBatch(rng: DataRng, batchSize: number, file = rng.int(this.files.length)): NeuronioBatch {
    const f = this.files[file]!;
    if (batchSize > f.numSimulations) throw new RangeError(`batchSize ${batchSize} exceeds the ${f.numSimulations} simulations of file ${file} (drawn without replacement)`);
    const span = f.simDurationMs - this.windowSize - this.ignoreTimeFromStart;
    if (span < 1) throw new RangeError(`file ${file}: no start to draw (T − windowSize − ignoreTimeFromStart = ${span})`);
    const simsIdx = rng.shuffle(Array.from({ length: f.numSimulations }, (_, i) => i)).slice(0, batchSize);
    return this.batch(simsIdx.map((sim) => ({ file, sim, start: this.ignoreTimeFromStart + rng.int(span) })));
  }
}
