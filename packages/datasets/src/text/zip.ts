// Just enough of the ZIP format (PKWARE APPNOTE 6.3: end of central
// directory, central directory, local headers) to find one entry, with
// errors that say what is wrong; the DEFLATE stream itself is inflated by
// fflate, and the result is checked against the entry's size and CRC-32.
import { inflateSync } from "fflate";
import { DatasetFileError } from "../errors.js";

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  encrypted: boolean;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

const u16 = (d: Uint8Array, o: number): number => d[o] | (d[o + 1] << 8);
const u32 = (d: Uint8Array, o: number): number => (d[o] | (d[o + 1] << 8) | (d[o + 2] << 16) | (d[o + 3] << 24)) >>> 0;

/** True when the bytes start like a ZIP archive (a local header, or the end record of an empty one). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

/** The entries of the central directory. `file` names the archive in errors. */
export function listZip(file: string, data: Uint8Array): ZipEntry[] {
  let eocd = -1;
  for (let o = data.length - 22; o >= Math.max(0, data.length - 22 - 0xffff); o--) {
    if (u32(data, o) === EOCD_SIG) { eocd = o; break; }
  }
  if (eocd < 0) {
    if (looksLikeZip(data)) throw new DatasetFileError(file, `truncated zip: no end-of-central-directory record in its ${data.length} bytes (an interrupted download? fetch it again)`);
    throw new DatasetFileError(file, `not a zip archive (no end-of-central-directory record)`);
  }
  const count = u16(data, eocd + 10);
  const cdSize = u32(data, eocd + 12);
  const cdOffset = u32(data, eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new DatasetFileError(file, `ZIP64 archives are not supported; unzip it and pass the raw file`);
  if (cdOffset + cdSize > eocd) throw new DatasetFileError(file, `truncated or corrupt zip: its central directory (${cdSize} bytes at ${cdOffset}) runs past the end record at ${eocd}`);
  const dec = new TextDecoder();
  const entries: ZipEntry[] = [];
  let o = cdOffset;
  for (let i = 0; i < count; i++) {
    if (o + 46 > cdOffset + cdSize || u32(data, o) !== CEN_SIG) throw new DatasetFileError(file, `corrupt zip: central directory entry ${i} of ${count} not found at byte ${o}`);
    const nameLen = u16(data, o + 28);
    const extraLen = u16(data, o + 30);
    const commentLen = u16(data, o + 32);
    entries.push({
      name: dec.decode(data.subarray(o + 46, o + 46 + nameLen)),
      method: u16(data, o + 10),
      crc32: u32(data, o + 16),
      compressedSize: u32(data, o + 20),
      size: u32(data, o + 24),
      localOffset: u32(data, o + 42),
      encrypted: (u16(data, o + 8) & 1) !== 0,
    });
    o += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The entry's bytes, inflated and checked against its recorded size and CRC-32. */
export function extractZipEntry(file: string, data: Uint8Array, e: ZipEntry): Uint8Array {
  const where = `${file} (entry "${e.name}")`;
  if (e.encrypted) throw new DatasetFileError(where, `encrypted entries are not supported`);
  if (e.method !== 0 && e.method !== 8) throw new DatasetFileError(where, `compression method ${e.method} is not supported (expected 0 = stored or 8 = deflate)`);
  const o = e.localOffset;
  if (o + 30 > data.length || u32(data, o) !== LOC_SIG) throw new DatasetFileError(where, `corrupt zip: no local header at byte ${o}`);
  const start = o + 30 + u16(data, o + 26) + u16(data, o + 28);
  const end = start + e.compressedSize;
  if (end > data.length) throw new DatasetFileError(where, `truncated zip: the entry's ${e.compressedSize} compressed bytes run past the end of the ${data.length}-byte file`);
  let out: Uint8Array;
  if (e.method === 0) {
    out = data.slice(start, end);
  } else {
    try {
      out = inflateSync(data.subarray(start, end), { out: new Uint8Array(e.size) });
    } catch (err) {
      throw new DatasetFileError(where, `corrupt deflate data: ${(err as Error).message}`);
    }
  }
  if (out.length !== e.size) throw new DatasetFileError(where, `corrupt zip: inflated to ${out.length} bytes, the directory records ${e.size}`);
  const c = crc32(out);
  if (c !== e.crc32) throw new DatasetFileError(where, `corrupt zip: CRC-32 of the data is ${hex(c)}, the directory records ${hex(e.crc32)}`);
  return out;
}

const hex = (v: number): string => "0x" + v.toString(16).padStart(8, "0");

let table: Uint32Array | null = null;
/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP and gzip use it. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  const t = table;
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
