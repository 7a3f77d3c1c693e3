// The zip container of torch.save (PyTorchStreamWriter): entries stored
// (uncompressed) under one top folder ("archive/" or the file's stem), each
// entry's data aligned to 64 bytes with an extra field "FB" of padding, as
// torch's miniz writer does. Reading and writing go through fflate.
import { unzipSync, zipSync, type Zippable } from "fflate";

export class TorchFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TorchFileError";
  }
}

export interface TorchArchive {
  /** The top folder, e.g. "archive" or "neuronio_best_model_state". */
  prefix: string;
  /** Records by their name under the prefix ("data.pkl", "data/0", "version", …). */
  records: Map<string, Uint8Array>;
}

/** Unzip a torch.save file; the top folder name varies, so it is found from data.pkl. */
export function readTorchArchive(bytes: Uint8Array, source = "checkpoint"): TorchArchive {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    if (bytes.length >= 2 && bytes[0] === 0x80) {
      throw new TorchFileError(`${source}: a bare pickle (legacy torch.save before 1.6, or _use_new_zipfile_serialization=False) is not read; expected the zip format`);
    }
    throw new TorchFileError(`${source}: not a PyTorch zip checkpoint (no zip signature at the start, ${bytes.length} bytes)`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new TorchFileError(`${source}: the zip archive cannot be read (truncated or corrupt): ${(e as Error).message}`);
  }
  const names = Object.keys(files);
  const pkl = names.filter((n) => n === "data.pkl" || n.endsWith("/data.pkl"));
  if (pkl.length !== 1) {
    throw new TorchFileError(`${source}: expected exactly one <archive>/data.pkl in the zip, found ${pkl.length} (entries: ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`);
  }
  const prefix = pkl[0]!.slice(0, -"data.pkl".length).replace(/\/$/, "");
  const records = new Map<string, Uint8Array>();
  for (const n of names) {
    if (prefix && !n.startsWith(prefix + "/")) throw new TorchFileError(`${source}: entry '${n}' lies outside the archive folder '${prefix}/'`);
    records.set(prefix ? n.slice(prefix.length + 1) : n, files[n]!);
  }
  return { prefix, records };
}

const ALIGN = 64;
const FIXED_DATE = new Date(1980, 0, 1, 0, 0, 0);

/**
 * Zip `records` (in order) under `prefix/`, stored, each record's data starting
 * at a multiple of 64 bytes (padding in a "FB" extra field, as torch writes).
 */
export function writeTorchArchive(records: ReadonlyArray<[string, Uint8Array]>, prefix = "archive"): Uint8Array {
  const enc = new TextEncoder();
  const zippable: Zippable = {};
  let offset = 0;
  for (const [name, data] of records) {
    const full = `${prefix}/${name}`;
    if (full in zippable) throw new TorchFileError(`duplicate record '${full}'`);
    const nameLen = enc.encode(full).length;
    // local header: 30 bytes + name + extra (4-byte extra header + padding)
    const headerEnd = offset + 30 + nameLen + 4;
    const pad = (ALIGN - (headerEnd % ALIGN)) % ALIGN;
    zippable[full] = [data, { level: 0, mtime: FIXED_DATE, extra: { 0x4246: new Uint8Array(pad).fill(0x5a) } }];
    offset = headerEnd + pad + data.length;
  }
  return zipSync(zippable, { level: 0, mtime: FIXED_DATE });
}
