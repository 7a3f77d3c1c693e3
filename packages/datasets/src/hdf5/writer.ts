// A small HDF5 writer for the SHD schema: groups, fixed-type 1-D datasets,
// fixed-length ASCII strings and — what h5wasm cannot write (its create_dataset
// only writes variable-length *strings*) — variable-length numeric sequences
// (`vlen float32`, `vlen uint16`), the type of SHD's `spikes/times` and
// `spikes/units`. The files it writes are read back by the real HDF5 library
// (h5wasm) in the tests.
//
// Format (HDF5 File Format Specification v3): superblock version 2, object
// headers version 2 (Jenkins lookup3 checksums), "new-style" compact groups
// (Link Info + Group Info + one Link message per child), contiguous data
// layout (version 3), and global heap collections ("GCOL") holding the
// variable-length sequences. Offsets and lengths are 8 bytes, little-endian.
import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { ByteWriter } from "../bytes.js";
import { lookup3 } from "./checksum.js";

export type H5Scalar = "uint8" | "uint16" | "uint32" | "int32" | "float32" | "float64";

export type H5Node =
  | { kind: "group"; children: Record<string, H5Node> }
  | { kind: "array"; type: H5Scalar; data: ArrayLike<number>; shape?: number[] }
  /** 1-D dataset of variable-length sequences of `base` (h5py: `h5py.vlen_dtype(base)`). */
  | { kind: "vlen"; base: H5Scalar; length: number; get(i: number): ArrayLike<number> }
  /** 1-D dataset of fixed-length, null-padded ASCII strings (h5py dtype `S<n>`). */
  | { kind: "strings"; data: string[] };

const UNDEF = 0xffffffffffffffffn;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const GCOL_MIN = 4096; // H5HG_MINSIZE: the library reads at least this much of a collection
const GCOL_TARGET = 1 << 20; // start a new collection past ~1 MiB …
const GCOL_MAX_OBJECTS = 65000; // … or before the 16-bit object index runs out

const SCALAR_SIZE: Record<H5Scalar, number> = { uint8: 1, uint16: 2, uint32: 4, int32: 4, float32: 4, float64: 8 };

/** Datatype message body (message 0x0003), version 1. */
function datatype(t: H5Scalar): Uint8Array {
  const b = new ByteWriter(24);
  const size = SCALAR_SIZE[t];
  if (t === "float32" || t === "float64") {
    const f64 = t === "float64";
    // class 1 (floating point); bit field: little-endian, mantissa normalisation 2 (msb implied), sign bit location
    b.u8(0x11).u8(0x20).u8(f64 ? 63 : 31).u8(0).u32(size);
    b.u16(0).u16(8 * size).u8(f64 ? 52 : 23).u8(f64 ? 11 : 8).u8(0).u8(f64 ? 52 : 23).u32(f64 ? 1023 : 127);
  } else {
    // class 0 (fixed point); bit 3 = signed
    b.u8(0x10).u8(t === "int32" ? 0x08 : 0x00).u8(0).u8(0).u32(size);
    b.u16(0).u16(8 * size);
  }
  return b.bytes().slice();
}

function vlenDatatype(base: H5Scalar): Uint8Array {
  // class 9 (variable length), type 0 = sequence; element on disk: u32 length + global heap id (u64 address, u32 index)
  return new ByteWriter(40).u8(0x19).u8(0).u8(0).u8(0).u32(16).raw(datatype(base)).bytes().slice();
}

function stringDatatype(n: number): Uint8Array {
  // class 3 (string), padding 1 = null pad, charset 0 = ASCII
  return new ByteWriter(8).u8(0x13).u8(0x01).u8(0).u8(0).u32(n).bytes().slice();
}

function dataspace(dims: number[]): Uint8Array {
  const b = new ByteWriter(8 + 8 * dims.length).u8(2).u8(dims.length).u8(0).u8(dims.length === 0 ? 0 : 1);
  for (const d of dims) b.u64(d);
  return b.bytes().slice();
}

const fillValue = (): Uint8Array => Uint8Array.of(3, 0x09); // v3: alloc early, write fill "if set", no value
function contiguousLayout(addr: number, size: number): Uint8Array {
  return new ByteWriter(18).u8(3).u8(1).u64(size === 0 ? UNDEF : addr).u64(size).bytes().slice();
}

interface Message { type: number; body: Uint8Array; flags?: number }

/** Version-2 object header ("OHDR"), one chunk, 4-byte chunk size, checksummed. */
function objectHeader(messages: Message[]): Uint8Array {
  let chunk = 0;
  for (const m of messages) chunk += 4 + m.body.length;
  const b = new ByteWriter(16 + chunk);
  b.raw([0x4f, 0x48, 0x44, 0x52]).u8(2).u8(0x02).u32(chunk);
  for (const m of messages) b.u8(m.type).u16(m.body.length).u8(m.flags ?? 0).raw(m.body);
  b.u32(lookup3(b.bytes()));
  return b.bytes().slice();
}

/** Writes the file in one pass: children before parents, so every address is known when it is needed. */
class FileWriter {
  private fd: number;
  offset = 48; // the superblock (48 bytes) is written last, at 0
  constructor(path: string) {
    this.fd = openSync(path, "w");
    writeSync(this.fd, new Uint8Array(48), 0, 48, 0);
  }
  put(bytes: Uint8Array): number {
    const at = this.offset;
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, at + done);
    this.offset += bytes.length;
    return at;
  }
  finish(rootAddr: number): void {
    const sb = new ByteWriter(48).raw(SIGNATURE).u8(2).u8(8).u8(8).u8(0).u64(0).u64(UNDEF).u64(this.offset).u64(rootAddr);
    sb.u32(lookup3(sb.bytes()));
    writeSync(this.fd, sb.bytes(), 0, 48, 0);
    closeSync(this.fd);
  }
  abort(): void {
    closeSync(this.fd);
  }
}

function typedBytes(type: H5Scalar, data: ArrayLike<number>): Uint8Array {
  const Ctor = { uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array }[type];
  const a = data instanceof Ctor ? data : Ctor.from(data as ArrayLike<number>);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function checkValues(type: H5Scalar, data: ArrayLike<number>, where: string): void {
  if (type === "float32" || type === "float64") return;
  const max = { uint8: 0xff, uint16: 0xffff, uint32: 0xffffffff, int32: 0x7fffffff }[type];
  const min = type === "int32" ? -0x80000000 : 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${where}[${i}] = ${v} does not fit ${type}`);
  }
}

function writeVlen(w: FileWriter, node: Extract<H5Node, { kind: "vlen" }>, where: string): Uint8Array {
  const heapAddr = new Float64Array(node.length);
  const heapIdx = new Uint32Array(node.length);
  const lens = new Uint32Array(node.length);
  // global heap collections, filled in sample order
  let col = new ByteWriter(GCOL_MIN);
  let count = 0;
  const pending: number[] = [];
  const flush = (): void => {
    if (count === 0) return;
    const used = col.length + 16; // + the collection header
    const size = Math.max(GCOL_MIN, used);
    const free = size - used;
    const head = new ByteWriter(16).raw([0x47, 0x43, 0x4f, 0x4c]).u8(1).zeros(3).u64(size);
    const body = col;
    if (free >= 16) body.u16(0).u16(0).u32(0).u64(free).zeros(free - 16); // object 0: the free space, its size includes its header
    else body.zeros(free);
    const at = w.put(head.bytes());
    w.put(body.bytes());
    for (const i of pending) heapAddr[i] = at;
    pending.length = 0;
    col = new ByteWriter(GCOL_MIN);
    count = 0;
  };
  for (let i = 0; i < node.length; i++) {
    const seq = node.get(i);
    checkValues(node.base, seq, `${where}[${i}]`);
    lens[i] = seq.length;
    if (seq.length === 0) continue; // empty sequence: heap id (0, 0), as the HDF5 library writes it
    if (count >= GCOL_MAX_OBJECTS || col.length >= GCOL_TARGET) flush();
    const bytes = typedBytes(node.base, seq);
    count++;
    col.u16(count).u16(1).u32(0).u64(bytes.length).raw(bytes).zeros((8 - (bytes.length % 8)) % 8);
    heapIdx[i] = count;
    pending.push(i);
  }
  flush();
  const el = new ByteWriter(16 * node.length + 1);
  for (let i = 0; i < node.length; i++) el.u32(lens[i]).u64(heapAddr[i]).u32(heapIdx[i]);
  const addr = w.put(el.bytes());
  return objectHeader([
    { type: 0x01, body: dataspace([node.length]) },
    { type: 0x03, body: vlenDatatype(node.base), flags: 0x01 },
    { type: 0x05, body: fillValue(), flags: 0x01 },
    { type: 0x08, body: contiguousLayout(addr, el.length) },
  ]);
}

function writeNode(w: FileWriter, node: H5Node, where: string): number {
  switch (node.kind) {
    case "group": {
      const links: Message[] = [];
      for (const [name, child] of Object.entries(node.children)) {
        const nameBytes = new TextEncoder().encode(name);
        if (nameBytes.length === 0 || nameBytes.length > 255 || name.includes("/")) throw new RangeError(`HDF5 link name ${JSON.stringify(name)} in ${where} must be 1..255 bytes without '/'`);
        const addr = writeNode(w, child, `${where}${name}${child.kind === "group" ? "/" : ""}`);
        links.push({ type: 0x06, body: new ByteWriter().u8(1).u8(0).u8(nameBytes.length).raw(nameBytes).u64(addr).bytes().slice() });
      }
      const linfo = new ByteWriter(18).u8(0).u8(0).u64(UNDEF).u64(UNDEF).bytes().slice();
      return w.put(objectHeader([{ type: 0x02, body: linfo }, { type: 0x0a, body: Uint8Array.of(0, 0) }, ...links]));
    }
    case "array": {
      const shape = node.shape ?? [node.data.length];
      const n = shape.reduce((a, b) => a * b, 1);
      if (n !== node.data.length) throw new RangeError(`${where}: shape [${shape}] holds ${n} values, data has ${node.data.length}`);
      checkValues(node.type, node.data, where);
      const bytes = typedBytes(node.type, node.data);
      const addr = w.put(bytes);
      return w.put(objectHeader([
        { type: 0x01, body: dataspace(shape) },
        { type: 0x03, body: datatype(node.type), flags: 0x01 },
        { type: 0x05, body: fillValue(), flags: 0x01 },
        { type: 0x08, body: contiguousLayout(addr, bytes.length) },
      ]));
    }
    case "strings": {
      const enc = node.data.map((s) => new TextEncoder().encode(s));
      const n = Math.max(1, ...enc.map((e) => e.length));
      const b = new ByteWriter(n * enc.length + 1);
      for (const e of enc) b.raw(e).zeros(n - e.length);
      const addr = w.put(b.bytes());
      return w.put(objectHeader([
        { type: 0x01, body: dataspace([enc.length]) },
        { type: 0x03, body: stringDatatype(n), flags: 0x01 },
        { type: 0x05, body: fillValue(), flags: 0x01 },
        { type: 0x08, body: contiguousLayout(addr, b.length) },
      ]));
    }
    case "vlen":
      return w.put(writeVlen(w, node, where));
  }
}

/**
 * Writes `root` (the children of the file's root group) to `path`. The file is
 * written to `path + ".tmp"` and renamed, so a reader never sees half a file.
 */
export function writeHdf5(path: string, root: Record<string, H5Node>): void {
  const tmp = `${path}.tmp`;
  const w = new FileWriter(tmp);
  try {
    const rootAddr = writeNode(w, { kind: "group", children: root }, "/");
    w.finish(rootAddr);
  } catch (e) {
    w.abort();
    rmSync(tmp, { force: true });
    throw e;
  }
  renameSync(tmp, path);
}
