// Batches for byte-level language modelling (ELM_SPEC §4: Enwik8, byte
// vocabulary 256, loss in bits per character). Not the classification
// `Batch` of docs/CONTRACTS.md §3: here every time step has a target.

/** Targets at padded positions (only in the last evaluation batch, and only unless dropLast). */
export const TEXT_PAD = -1;

/** Byte vocabulary: a token is one byte, 0–255. */
export const BYTE_VOCAB = 256;

export interface TextBatch {
  /** [B, T] row-major input byte ids, 0–255 (0 at padded positions). */
  x: Int32Array;
  /** [B, T] next-byte targets: y[b, t] is the byte after x[b, t]; TEXT_PAD (−1) where padded. */
  y: Int32Array;
  shape: [number, number];
  /** Number of targets that are not TEXT_PAD (B·T except in a padded evaluation batch). */
  tokens: number;
}

export interface TextBatchOptions {
  batchSize: number;
  /**
   * true: random contiguous windows drawn from `seed` (training; pass a new
   * seed per epoch), `batchesPerEpoch` of them. false: sequential,
   * non-overlapping windows that cover the split once (evaluation; `seed`
   * is not used).
   */
  shuffle: boolean;
  seed: number;
  /** Evaluation only: drop the targets that do not fill whole [B, T] batches instead of padding them with TEXT_PAD. */
  dropLast?: boolean;
  /** Stop after this many batches (e.g. a quick validation estimate). */
  maxBatches?: number;
}

export interface TextDataset {
  /** Bytes in the split. */
  readonly length: number;
  readonly vocabSize: number;
  /** Window length T. */
  readonly steps: number;
  batches(opts: TextBatchOptions): Iterable<TextBatch>;
}
