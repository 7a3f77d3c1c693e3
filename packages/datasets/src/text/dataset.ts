// A split of a byte stream as language-modelling batches, built on demand
// from the bytes (no copy of the split is made): x = bytes[s .. s+T),
// y = bytes[s+1 .. s+T+1), the next byte at every step (ELM_SPEC §4).
import { DataRng } from "../rng.js";
import { BYTE_VOCAB, TEXT_PAD, type TextBatch, type TextBatchOptions, type TextDataset } from "./types.js";

export interface ByteTextOptions {
  /** Window length T (default 256). */
  seqLen?: number;
  /** Training batches per epoch (shuffle: true), default 1000. */
  batchesPerEpoch?: number;
  /** Where the bytes came from, for messages (e.g. "enwik8 valid"). */
  name?: string;
}

export function checkTextBatchOptions(opts: TextBatchOptions): void {
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${opts.batchSize}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  if (opts.maxBatches !== undefined && (!Number.isInteger(opts.maxBatches) || opts.maxBatches < 0)) throw new RangeError(`maxBatches must be a non-negative integer, got ${opts.maxBatches}`);
}

export class ByteTextDataset implements TextDataset {
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly vocabSize = BYTE_VOCAB;
  readonly steps: number;
  readonly batchesPerEpoch: number;
  readonly name: string;
  constructor(bytes: Uint8Array, opts: ByteTextOptions = {}) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`ByteTextDataset needs a Uint8Array of bytes`);
    this.name = opts.name ?? "text";
    this.steps = opts.seqLen ?? 256;
    if (!Number.isInteger(this.steps) || this.steps < 1) throw new RangeError(`seqLen must be a positive integer, got ${this.steps}`);
    if (bytes.length < 2) throw new RangeError(`${this.name}: ${bytes.length} bytes hold no next-byte target (need at least 2)`);
    this.batchesPerEpoch = opts.batchesPerEpoch ?? 1000;
    if (!Number.isInteger(this.batchesPerEpoch) || this.batchesPerEpoch < 1) throw new RangeError(`batchesPerEpoch must be a positive integer, got ${this.batchesPerEpoch}`);
    this.bytes = bytes;
    this.length = bytes.length;
  }

  /** Next-byte targets in the split: every byte but the first is predicted once by an evaluation pass. */
  get targets(): number {
    return this.length - 1;
  }

  /** One [B, T] batch of whole windows starting at byte offsets `starts` (0 ≤ start ≤ length − T − 1). */
  batchOf(starts: ArrayLike<number>): TextBatch {
    const B = starts.length;
    const T = this.steps;
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = starts[b];
      if (!Number.isInteger(s) || s < 0 || s + T + 1 > this.length) {
        throw new RangeError(`${this.name}: window start ${s} out of range [0, ${this.length - T - 1}] for T = ${T} and ${this.length} bytes`);
      }
      const row = b * T;
      for (let t = 0; t < T; t++) {
        x[row + t] = this.bytes[s + t];
        y[row + t] = this.bytes[s + t + 1];
      }
    }
    return { x, y, shape: [B, T], tokens: B * T };
  }

  /**
   * Evaluation layout (the usual one for recurrent LMs, e.g. Transformer-XL's
   * ordered iterator): the length − 1 targets are cut into B contiguous
   * streams of L = ⌈(length − 1)/B⌉ (⌊…⌋ with dropLast), stream b starting at
   * byte b·L; batch k holds steps [kT, kT + T) of every stream. So row b of
   * batch k continues row b of batch k − 1 — a recurrent model may carry its
   * state across the batches of one pass — and every target appears exactly
   * once. Positions past the end are padded (x = 0, y = TEXT_PAD) unless
   * dropLast, which drops the < B·T trailing targets and the shorter tail.
   */
  evalLayout(batchSize: number, dropLast = false): { streamLength: number; batches: number } {
    const n = this.targets;
    const L = dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
    const batches = dropLast ? Math.floor(L / this.steps) : Math.ceil(L / this.steps);
    return { streamLength: L, batches };
  }

  /** Batches that batches(opts) yields. */
  numBatches(opts: TextBatchOptions): number {
    checkTextBatchOptions(opts);
    const n = opts.shuffle ? this.batchesPerEpoch : this.evalLayout(opts.batchSize, opts.dropLast).batches;
    return opts.maxBatches === undefined ? n : Math.min(n, opts.maxBatches);
  }

  /**
   * shuffle: true — batchesPerEpoch batches of B windows at uniform random
   * starts in [0, length − T − 1] drawn from `seed` (windows may overlap;
   * pass a new seed per epoch). shuffle: false — the evaluation pass of
   * evalLayout, the same every time.
   */
  *batches(opts: TextBatchOptions): Iterable<TextBatch> {
    const count = this.numBatches(opts);
    const B = opts.batchSize;
    const T = this.steps;
    if (opts.shuffle) {
      if (this.length < T + 1) throw new RangeError(`${this.name}: ${this.length} bytes are too few for one window of T = ${T} (need T + 1 = ${T + 1})`);
      const rng = new DataRng(opts.seed);
      const span = this.length - T; // starts 0 … length − T − 1
      const starts = new Int32Array(B);
      for (let k = 0; k < count; k++) {
        for (let b = 0; b < B; b++) starts[b] = rng.int(span);
        yield this.batchOf(starts);
      }
      return;
    }
    const { streamLength: L } = this.evalLayout(B, opts.dropLast);
    const n = this.targets;
    for (let k = 0; k < count; k++) {
      const x = new Int32Array(B * T);
      const y = new Int32Array(B * T).fill(TEXT_PAD);
      let tokens = 0;
      for (let b = 0; b < B; b++) {
        const base = b * L;
        const row = b * T;
        for (let t = 0; t < T; t++) {
          const step = k * T + t; // step within the stream
          const i = base + step; // input byte; its target is byte i + 1
          if (step >= L || i >= n) break;
          x[row + t] = this.bytes[i];
          y[row + t] = this.bytes[i + 1];
          tokens++;
        }
      }
      yield { x, y, shape: [B, T], tokens };
    }
  }
}
