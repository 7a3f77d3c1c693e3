// Checks a file is a whole HDF5 file before the HDF5 library sees it: the
// library (through h5wasm) gives cryptic errors, or aborts, on a file that is
// not HDF5 or was cut short. We read the superblock ourselves: the signature,
// then the end-of-file address it records, and compare with the file size.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { DatasetFileError } from "../errors.js";

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

export interface Hdf5Header {
  superblockVersion: number;
  /** Where the superblock sits (0, or past a user block: 512, 1024, …). */
  base: number;
  /** End-of-file address recorded in the superblock (absolute). */
  endOfFile: number;
  size: number;
}

function readAt(fd: number, pos: number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const k = readSync(fd, b, got, n - got, pos + got);
    if (k === 0) break;
    got += k;
  }
  return b.subarray(0, got);
}

function readUint(b: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + b[at + i];
  return v;
}

export function checkHdf5File(path: string, what = "HDF5 file"): Hdf5Header {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new DatasetFileError(path, `${what} is not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof DatasetFileError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetFileError(path, code === "ENOENT" ? `${what} not found` : `cannot read ${what} (${code ?? String(e)})`);
  }
  const fd = openSync(path, "r");
  try {
    // the superblock is at 0 or at 512 · 2^k (after a user block)
    let base = -1;
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const sig = readAt(fd, at, 8);
      if (SIGNATURE.every((v, i) => sig[i] === v)) { base = at; break; }
    }
    if (base < 0) {
      const head = readAt(fd, 0, Math.min(size, 4));
      const gz = head[0] === 0x1f && head[1] === 0x8b;
      throw new DatasetFileError(path, size === 0 ? `${what} is empty (0 bytes)` : gz ? `${what} is gzip-compressed; gunzip it first (fetchShd does)` : `not an HDF5 file (no HDF5 signature in its ${size} bytes)`);
    }
    const sb = readAt(fd, base, 96);
    const version = sb[8];
    let sizeOff: number;
    let eofAt: number;
    if (version === 0 || version === 1) {
      sizeOff = sb[13];
      eofAt = (version === 0 ? 24 : 28) + 2 * sizeOff;
    } else if (version === 2 || version === 3) {
      sizeOff = sb[9];
      eofAt = 12 + 2 * sizeOff;
    } else {
      throw new DatasetFileError(path, `unknown HDF5 superblock version ${version}`);
    }
    if (![2, 4, 8].includes(sizeOff)) throw new DatasetFileError(path, `corrupt HDF5 superblock (size of offsets ${sizeOff})`);
    if (sb.length < eofAt + sizeOff) throw new DatasetFileError(path, `truncated: the file ends inside its HDF5 superblock (${size} bytes)`);
    const baseAddr = readUint(sb, eofAt - 2 * sizeOff, sizeOff);
    const eof = readUint(sb, eofAt, sizeOff) + baseAddr; // addresses are relative to the base address
    if (eof > size) throw new DatasetFileError(path, `truncated: its HDF5 superblock records ${eof} bytes but the file has ${size} (an interrupted download? fetch it again)`);
    return { superblockVersion: version, base, endOfFile: eof, size };
  } finally {
    closeSync(fd);
  }
}
