// enwik8 (Hutter prize; Mahoney, http://mattmahoney.net/dc/textdata.html):
// the first 10^8 bytes of an English Wikipedia XML dump, as users bring it —
// the raw file `enwik8` or the distributed `enwik8.zip` (one entry, `enwik8`).
// Byte-level language modelling, vocabulary 256 (ELM_SPEC §4).
import { readFile, stat } from "node:fs/promises";
import { DatasetFileError } from "../errors.js";
import { splitSizes, type SplitBytes, type TextSplit } from "./split.js";
import { extractZipEntry, listZip, looksLikeZip, type ZipEntry } from "./zip.js";

export const ENWIK8_URL = "http://mattmahoney.net/dc/enwik8.zip";

export interface ReadEnwik8Options {
  /** Default "standard" (90M / 5M / 5M, needs the full file). */
  split?: TextSplit;
}

export interface TextSplits {
  /** Views into `bytes`, in file order. */
  train: Uint8Array;
  valid: Uint8Array;
  test: Uint8Array;
  /** The whole file (unzipped). */
  bytes: Uint8Array;
  sizes: SplitBytes;
  /** The path read (and the zip entry, if any). */
  source: string;
}

const isEnwik8Entry = (e: ZipEntry): boolean => e.name === "enwik8" || e.name.endsWith("/enwik8");

/** Cuts `bytes` into train / valid / test views. `file` names the data in errors. */
export function splitText(file: string, bytes: Uint8Array, split: TextSplit = "standard"): TextSplits {
  const sizes = splitSizes(file, bytes.length, split);
  return {
    train: bytes.subarray(0, sizes.train),
    valid: bytes.subarray(sizes.train, sizes.train + sizes.valid),
    test: bytes.subarray(sizes.train + sizes.valid),
    bytes,
    sizes,
    source: file,
  };
}

/**
 * Reads `enwik8` or `enwik8.zip` (recognised by its content, not its name)
 * and splits it. Raises DatasetFileError for a missing file, a zip without an
 * `enwik8` entry, a truncated or corrupt zip, and a size the split does not
 * fit (checked from the directory or file size before anything is inflated).
 */
export async function readEnwik8(path: string, opts: ReadEnwik8Options = {}): Promise<TextSplits> {
  const split = opts.split ?? "standard";
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new DatasetFileError(path, `is a folder; expected the file enwik8 or enwik8.zip (from ${ENWIK8_URL})`);
    size = st.size;
  } catch (err) {
    if (err instanceof DatasetFileError) throw err;
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new DatasetFileError(path, `file not found; download ${ENWIK8_URL} and pass enwik8.zip or the unzipped enwik8`);
    throw new DatasetFileError(path, `cannot read: ${(err as Error).message}`);
  }
  let data: Uint8Array;
  try {
    data = new Uint8Array(await readFile(path));
  } catch (err) {
    throw new DatasetFileError(path, `cannot read: ${(err as Error).message}`);
  }
  if (data.length !== size) throw new DatasetFileError(path, `changed while being read (${size} bytes, then ${data.length})`);
  if (!looksLikeZip(data)) return splitText(path, data, split);

  const entries = listZip(path, data);
  const entry = entries.find((e) => e.name === "enwik8") ?? entries.find(isEnwik8Entry);
  if (!entry) {
    const names = entries.map((e) => JSON.stringify(e.name));
    throw new DatasetFileError(path, `zip has no entry named "enwik8" (entries: ${names.length ? names.slice(0, 10).join(", ") + (names.length > 10 ? `, … ${names.length} in all` : "") : "none"})`);
  }
  const where = `${path} (entry "${entry.name}")`;
  splitSizes(where, entry.size, split); // a wrong size fails before inflating 100 MB
  return splitText(where, extractZipEntry(path, data, entry), split);
}
