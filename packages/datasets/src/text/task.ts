// One call to train / validation / test byte-level LM datasets, from enwik8
// or the built-in synthetic text (the default: no download needed).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DatasetFileError } from "../errors.js";
import { ByteTextDataset } from "./dataset.js";
import { ENWIK8_URL, readEnwik8, splitText, type TextSplits } from "./enwik8.js";
import type { SplitBytes, TextSplit } from "./split.js";
import { generateSyntheticText, resolveSyntheticTextOptions, SYNTHETIC_TEXT_VERSION, type SyntheticTextOptions } from "./syntheticText.js";
import { BYTE_VOCAB } from "./types.js";

export interface TextTaskOptions {
  task?: "enwik8";
  /** "synthetic" (default): generated pseudo-Wikipedia XML; "enwik8": the real file. */
  data?: "synthetic" | "enwik8";
  /** The enwik8 file (raw or .zip). Default: `dataDir`/enwik8, else `dataDir`/enwik8.zip. */
  path?: string;
  /** Default ".elm-data/enwik8". */
  dataDir?: string;
  /** Default "standard" for enwik8 and { fractions: [0.9, 0.05, 0.05] } for the synthetic text. */
  split?: TextSplit;
  synthetic?: SyntheticTextOptions;
  /** Window length T (default 256). */
  seqLen?: number;
  /** Training batches per epoch (default 1000). */
  batchesPerEpoch?: number;
}

export interface TextTask {
  train: ByteTextDataset;
  /** null when the split gives validation no bytes. */
  valid: ByteTextDataset | null;
  test: ByteTextDataset;
  vocabSize: number;
  steps: number;
  sizes: SplitBytes;
  /** The file read, or "synthetic text v… {options}". */
  source: string;
}

/** Finds enwik8 (raw first, then the zip) in `dataDir`. */
export function findEnwik8(dataDir: string): string {
  for (const f of ["enwik8", "enwik8.zip"]) {
    const p = join(dataDir, f);
    if (existsSync(p)) return p;
  }
  throw new DatasetFileError(join(dataDir, "enwik8"), `not found (nor enwik8.zip beside it); download ${ENWIK8_URL} into ${dataDir}`);
}

export async function loadTextTask(o: TextTaskOptions = {}): Promise<TextTask> {
  if (o.task !== undefined && o.task !== "enwik8") throw new RangeError(`task must be "enwik8", got ${JSON.stringify(o.task)}`);
  const data = o.data ?? "synthetic";
  let splits: TextSplits;
  if (data === "enwik8") {
    const path = o.path ?? findEnwik8(o.dataDir ?? join(".elm-data", "enwik8"));
    splits = await readEnwik8(path, { split: o.split ?? "standard" });
  } else if (data === "synthetic") {
    const so = resolveSyntheticTextOptions(o.synthetic);
    const source = `synthetic text v${SYNTHETIC_TEXT_VERSION} ${JSON.stringify(so)}`;
    splits = splitText(source, generateSyntheticText(so), o.split ?? { fractions: [0.9, 0.05, 0.05] });
  } else {
    throw new RangeError(`data must be "synthetic" or "enwik8", got ${JSON.stringify(data)}`);
  }
  const common = { seqLen: o.seqLen, batchesPerEpoch: o.batchesPerEpoch };
  const train = new ByteTextDataset(splits.train, { ...common, name: `${splits.source} train` });
  return {
    train,
    valid: splits.valid.length > 0 ? new ByteTextDataset(splits.valid, { ...common, name: `${splits.source} valid` }) : null,
    test: new ByteTextDataset(splits.test, { ...common, name: `${splits.source} test` }),
    vocabSize: BYTE_VOCAB,
    steps: train.steps,
    sizes: splits.sizes,
    source: splits.source,
  };
}
