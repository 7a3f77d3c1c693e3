// safetensors (Hugging Face format) for named tensor maps:
//   [8-byte little-endian header length N][N bytes of JSON header][data]
// header: { name: { dtype, shape, data_offsets: [begin, end] }, …, "__metadata__"?: {string: string} }
// Offsets are relative to the start of the data block. We write F32/F64/I32 and read
// F32/F64/I32 plus F16/BF16 (→ float32) and I64/I16/I8/U8/U16/U32/BOOL (→ int32, range-checked).
import { readFileSync } from "node:fs";
import { writeFileAtomic } from "./atomic.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { shapeSize } from "../tensor/shape.js";

const WRITE_CODE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32" };
const READ: Record<string, { bytes: number; dtype: DType }> = {
  F32: { bytes: 4, dtype: "float32" },
  F64: { bytes: 8, dtype: "float64" },
  I32: { bytes: 4, dtype: "int32" },
  F16: { bytes: 2, dtype: "float32" },
  BF16: { bytes: 2, dtype: "float32" },
  I64: { bytes: 8, dtype: "int32" },
  I16: { bytes: 2, dtype: "int32" },
  I8: { bytes: 1, dtype: "int32" },
  U8: { bytes: 1, dtype: "int32" },
  U16: { bytes: 2, dtype: "int32" },
  U32: { bytes: 4, dtype: "int32" },
  BOOL: { bytes: 1, dtype: "int32" },
};

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  /** The message without the "safetensors: " prefix. */
  readonly detail: string;
  constructor(message: string) {
    super(`safetensors: ${message}`);
    this.name = "SafetensorsError";
    this.detail = message;
  }
}

/** Serialises named tensors (any device; data is host-side) and string metadata. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new SafetensorsError(`metadata value for '${k}' must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new SafetensorsError(`'${name}' is not a Tensor`);
    if (name === "__metadata__") throw new SafetensorsError("'__metadata__' is reserved and cannot name a tensor");
    const bytes = t.data.byteLength;
    header[name] = { dtype: WRITE_CODE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // pad the header with spaces so the data block starts 8-byte aligned (as the reference writer does)
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  const pad = (8 - (hb.length % 8)) % 8;
  if (pad) {
    json += " ".repeat(pad);
    hb = enc.encode(json);
  }
  const out = new Uint8Array(8 + hb.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let at = 8 + hb.length;
  for (const name of names) {
    const d = tensors[name].data;
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), at); // host is little-endian (x86/ARM)
    at += d.byteLength;
  }
  return out;
}

function readValues(code: string, view: DataView, begin: number, n: number, name: string): Float32Array | Float64Array | Int32Array {
  const out = READ[code].dtype === "float64" ? new Float64Array(n) : READ[code].dtype === "float32" ? new Float32Array(n) : new Int32Array(n);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < n; i++) {
    let v: number;
    switch (code) {
      case "F32": v = view.getFloat32(begin + 4 * i, true); break;
      case "F64": v = view.getFloat64(begin + 8 * i, true); break;
      case "I32": v = view.getInt32(begin + 4 * i, true); break;
      case "U32": v = view.getUint32(begin + 4 * i, true); break;
      case "I16": v = view.getInt16(begin + 2 * i, true); break;
      case "U16": v = view.getUint16(begin + 2 * i, true); break;
      case "I8": v = view.getInt8(begin + i); break;
      case "U8": case "BOOL": v = view.getUint8(begin + i); break;
      case "I64": {
        const b = view.getBigInt64(begin + 8 * i, true);
        if (b < -2147483648n || b > 2147483647n) throw new SafetensorsError(`tensor '${name}' (I64) has value ${b} at ${i}, which does not fit int32`);
        v = Number(b);
        break;
      }
      case "BF16": u32[0] = view.getUint16(begin + 2 * i, true) << 16; v = f32[0]; break;
      case "F16": {
        const h = view.getUint16(begin + 2 * i, true);
        const s = h & 0x8000 ? -1 : 1;
        const e = (h >> 10) & 0x1f;
        const m = h & 0x3ff;
        v = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
        break;
      }
      default: throw new SafetensorsError(`unsupported dtype ${code}`);
    }
    if (code === "U32" && v > 2147483647) throw new SafetensorsError(`tensor '${name}' (U32) has value ${v} at ${i}, which does not fit int32`);
    out[i] = v;
  }
  return out;
}

/** Parses a safetensors byte buffer; every inconsistency is a SafetensorsError naming the tensor. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError("decode needs a Uint8Array");
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8) throw new SafetensorsError(`header length ${n} exceeds the file (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`header is not valid JSON: ${(e as Error).message}`);
  }
  if (!header || typeof header !== "object" || Array.isArray(header)) throw new SafetensorsError("header must be a JSON object");
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const tensors: Record<string, Tensor> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!entry || typeof entry !== "object") throw new SafetensorsError("__metadata__ must be an object of strings");
      for (const [k, v] of Object.entries(entry as object)) {
        if (typeof v !== "string") throw new SafetensorsError(`__metadata__['${k}'] must be a string`);
        metadata[k] = v;
      }
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e?.dtype !== "string" || !(e.dtype in READ)) {
      throw new SafetensorsError(`tensor '${name}' has dtype ${JSON.stringify(e?.dtype)}; supported: ${Object.keys(READ).join(", ")}`);
    }
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new SafetensorsError(`tensor '${name}' has bad shape ${JSON.stringify(e.shape)}`);
    }
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isInteger(o) && o >= 0) || off[1] < off[0]) {
      throw new SafetensorsError(`tensor '${name}' has bad data_offsets ${JSON.stringify(off)}`);
    }
    const { bytes: w } = READ[e.dtype];
    const count = shapeSize(e.shape as number[]);
    if (off[1] - off[0] !== count * w) {
      throw new SafetensorsError(`tensor '${name}': data_offsets span ${off[1] - off[0]} bytes but ${e.dtype}[${(e.shape as number[]).join(",")}] needs ${count * w}`);
    }
    if (off[1] > dataLen) throw new SafetensorsError(`tensor '${name}': data_offsets end ${off[1]} is past the data block (${dataLen} bytes)`);
    spans.push([off[0], off[1], name]);
    const data = readValues(e.dtype, view, dataStart + off[0], count, name);
    tensors[name] = new Tensor(data, e.shape as number[], "ref");
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw new SafetensorsError(`tensors '${spans[i - 1][2]}' and '${spans[i][2]}' overlap`);
  }
  return { tensors, metadata };
}

/**
 * Writes crash-safely (io/atomic.ts: a temporary file beside it, fsynced, renamed over
 * it): a process killed at any point leaves the old file or the new one, and a failed
 * write leaves neither a partial file nor the temporary one.
 */
export function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/** Reads a .safetensors file; a malformed one is refused with an error naming the file. */
export function loadSafetensors(path: string): SafetensorsFile {
  const bytes = new Uint8Array(readFileSync(path));
  try {
    return decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsError) throw new SafetensorsError(`${path}: ${e.detail}`);
    throw e;
  }
}
