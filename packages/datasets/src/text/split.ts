// Train / validation / test split of one byte stream, in file order.
import { DatasetFileError } from "../errors.js";

/**
 * "standard": the enwik8 convention (first 90M bytes train, next 5M
 * validation, last 5M test; the file must have exactly 100,000,000 bytes).
 * fractions: [train, valid, test] ≥ 0 summing to 1 (train and valid rounded
 * to whole bytes, test takes the rest). bytes: [train, valid, test] counts
 * adding up to the file's size.
 */
export type TextSplit = "standard" | { fractions: readonly [number, number, number] } | { bytes: readonly [number, number, number] };

export interface SplitBytes {
  train: number;
  valid: number;
  test: number;
}

/** The usual enwik8 split (Al-Rfou et al. 2019, Transformer-XL, Hutter-prize LM papers): 90M / 5M / 5M of the 10^8-byte file. */
export const ENWIK8_SPLIT: Readonly<SplitBytes> = Object.freeze({ train: 90_000_000, valid: 5_000_000, test: 5_000_000 });
export const ENWIK8_BYTES = 100_000_000;

const fmt = (n: number): string => n.toLocaleString("en-US");

/** The split as byte counts for a file of `size` bytes; `file` names it in errors. */
export function splitSizes(file: string, size: number, split: TextSplit): SplitBytes {
  if (split === "standard") {
    if (size !== ENWIK8_BYTES) {
      throw new DatasetFileError(
        file,
        `${fmt(size)} bytes, but the standard enwik8 split (${fmt(ENWIK8_SPLIT.train)} train / ${fmt(ENWIK8_SPLIT.valid)} valid / ${fmt(ENWIK8_SPLIT.test)} test) needs the ${fmt(ENWIK8_BYTES)}-byte enwik8` +
          (size < ENWIK8_BYTES ? " (truncated or another file?)" : " (another file?)") +
          `; for a shorter file pass split: { fractions: [0.9, 0.05, 0.05] } or { bytes: [train, valid, test] }`,
      );
    }
    return { ...ENWIK8_SPLIT };
  }
  if (split && typeof split === "object" && "fractions" in split) {
    const f = split.fractions;
    if (!Array.isArray(f) || f.length !== 3 || !f.every((v) => Number.isFinite(v) && v >= 0)) throw new RangeError(`split.fractions must be three numbers ≥ 0 [train, valid, test], got ${JSON.stringify(f)}`);
    const sum = f[0] + f[1] + f[2];
    if (Math.abs(sum - 1) > 1e-9) throw new RangeError(`split.fractions must add up to 1, got ${f.join(" + ")} = ${sum}`);
    const train = Math.round(f[0] * size);
    const valid = Math.min(Math.round(f[1] * size), size - train);
    return { train, valid, test: size - train - valid };
  }
  if (split && typeof split === "object" && "bytes" in split) {
    const b = split.bytes;
    if (!Array.isArray(b) || b.length !== 3 || !b.every((v) => Number.isInteger(v) && v >= 0)) throw new RangeError(`split.bytes must be three integers ≥ 0 [train, valid, test], got ${JSON.stringify(b)}`);
    const sum = b[0] + b[1] + b[2];
    if (sum !== size) throw new DatasetFileError(file, `${fmt(size)} bytes, but split.bytes ${b.join(" + ")} = ${fmt(sum)}`);
    return { train: b[0], valid: b[1], test: b[2] };
  }
  throw new RangeError(`split must be "standard", { fractions: [train, valid, test] } or { bytes: [train, valid, test] }, got ${JSON.stringify(split)}`);
}
