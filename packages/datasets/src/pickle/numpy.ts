// NumPy arrays and scalars as pickled by numpy (Python 2 and 3):
//   numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')  then BUILD with
//   (version, shape, dtype, is_fortran, rawdata)   (ndarray.__setstate__)
//   numpy.dtype('f8', False, True)                 then BUILD with
//   (3, '<', None, None, None, -1, -1, 0)          (dtype.__setstate__)
//   numpy.core.multiarray.scalar(dtype, rawdata)   (numpy scalars)
// rawdata is BINSTRING in Python 2 pickles (read as a latin1 str) and
// `_codecs.encode(str, 'latin1')` (bytes) in Python 3 protocol-2 pickles.
import { PyBytes, PyBytesStr, PyCall, PyGlobalRef, PyTupleOf } from "./pickler.js";
import { pyFunction } from "./unpickle.js";
import { PickleError, isPyTuple, latin1Bytes, pyTuple, pyTypeName, type PyGlobal, type PyStateful, type PyValue } from "./values.js";

export type NumpyDType = "float64" | "float32" | "int64" | "int32" | "int16" | "int8" | "uint64" | "uint32" | "uint16" | "uint8" | "bool";
export type NumpyData = Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | BigUint64Array | Uint32Array | Uint16Array | Uint8Array;

/** A numpy array once read: row-major (C order), native (little-endian) typed data. */
export class NumpyArray {
  constructor(readonly dtype: NumpyDType, readonly shape: readonly number[], readonly data: NumpyData) {}
  get size(): number { return this.data.length; }
  /** Element `i` (flat, C order) as a JS number (int64 beyond 2^53 loses precision). */
  get(i: number): number { const v = this.data[i]!; return typeof v === "bigint" ? Number(v) : v; }
  toNumbers(): number[] { return Array.from(this.data as ArrayLike<number | bigint>, (v) => Number(v)); }
}

const KINDS: Record<string, { dtype: NumpyDType; size: number }> = {
  f8: { dtype: "float64", size: 8 }, f4: { dtype: "float32", size: 4 },
  i8: { dtype: "int64", size: 8 }, i4: { dtype: "int32", size: 4 }, i2: { dtype: "int16", size: 2 }, i1: { dtype: "int8", size: 1 },
  u8: { dtype: "uint64", size: 8 }, u4: { dtype: "uint32", size: 4 }, u2: { dtype: "uint16", size: 2 }, u1: { dtype: "uint8", size: 1 },
  b1: { dtype: "bool", size: 1 },
};

export class NumpyDTypeObj implements PyStateful {
  byteorder = "=";
  constructor(readonly dtype: NumpyDType, readonly itemsize: number, readonly spec: string) {}
  setState(state: PyValue): void {
    if (!Array.isArray(state) || state.length < 2 || typeof state[1] !== "string") {
      throw new PickleError(`numpy.dtype('${this.spec}').__setstate__: expected (version, byteorder, …), got ${pyTypeName(state)}`);
    }
    const [, order, subdescr, names, fields] = state as PyValue[];
    if (subdescr != null || names != null || fields != null) {
      throw new PickleError(`numpy.dtype('${this.spec}'): structured or sub-array dtypes are not read`);
    }
    if (!["<", ">", "|", "="].includes(order)) throw new PickleError(`numpy.dtype('${this.spec}'): unknown byte order '${order}'`);
    this.byteorder = order;
  }
  get bigEndian(): boolean { return this.byteorder === ">"; }
}

function makeTyped(dtype: NumpyDType, bytes: Uint8Array, bigEndian: boolean, itemsize: number): NumpyData {
  const n = bytes.length / itemsize;
  const buf = new Uint8Array(bytes.length);
  if (bigEndian && itemsize > 1) {
    for (let i = 0; i < n; i++) for (let b = 0; b < itemsize; b++) buf[i * itemsize + b] = bytes[i * itemsize + itemsize - 1 - b]!;
  } else buf.set(bytes);
  const ab = buf.buffer;
  switch (dtype) {
    case "float64": return new Float64Array(ab, 0, n);
    case "float32": return new Float32Array(ab, 0, n);
    case "int64": return new BigInt64Array(ab, 0, n);
    case "int32": return new Int32Array(ab, 0, n);
    case "int16": return new Int16Array(ab, 0, n);
    case "int8": return new Int8Array(ab, 0, n);
    case "uint64": return new BigUint64Array(ab, 0, n);
    case "uint32": return new Uint32Array(ab, 0, n);
    case "uint16": return new Uint16Array(ab, 0, n);
    case "uint8": case "bool": return new Uint8Array(ab, 0, n);
  }
}

function rawBytes(raw: PyValue, what: string): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (typeof raw === "string") return latin1Bytes(raw, what);
  throw new PickleError(`${what}: expected the raw data as bytes or a latin1 str, got ${pyTypeName(raw)} (object arrays are not read)`);
}

/** Column-major (Fortran) data → row-major. */
function fortranToC(src: NumpyData, shape: readonly number[]): NumpyData {
  const n = src.length;
  const dst = new (src.constructor as { new (n: number): NumpyData })(n);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let d = 0; d < nd; d++) { fStride[d] = s; s *= shape[d]!; }
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let d = 0; d < nd; d++) off += idx[d]! * fStride[d]!;
    (dst as unknown as { [k: number]: unknown })[i] = (src as unknown as { [k: number]: unknown })[off];
    for (let d = nd - 1; d >= 0; d--) { if (++idx[d]! < shape[d]!) break; idx[d] = 0; }
  }
  return dst;
}

/** What `_reconstruct(ndarray, (0,), b'b')` gives: filled in by BUILD. */
export class NdArrayBuilder implements PyStateful {
  array: NumpyArray | null = null;
  setState(state: PyValue): void {
    if (!Array.isArray(state)) throw new PickleError(`ndarray.__setstate__: expected a tuple, got ${pyTypeName(state)}`);
    // (version, shape, dtype, is_fortran, rawdata), or without version (numpy < 1.?)
    const s = state.length === 5 ? state.slice(1) : state.length === 4 ? state : null;
    if (!s) throw new PickleError(`ndarray.__setstate__: expected 4 or 5 items, got ${state.length}`);
    const [shape, dt, isFortran, raw] = s as [PyValue, PyValue, PyValue, PyValue];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new PickleError(`ndarray.__setstate__: shape must be a tuple of non-negative ints, got ${JSON.stringify(shape)}`);
    }
    if (!(dt instanceof NumpyDTypeObj)) throw new PickleError(`ndarray.__setstate__: expected a numpy.dtype, got ${pyTypeName(dt)}`);
    const bytes = rawBytes(raw, `ndarray of ${dt.spec}`);
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    if (bytes.length !== n * dt.itemsize) {
      throw new PickleError(`ndarray of dtype ${dt.spec} and shape (${shape.join(", ")}) needs ${n * dt.itemsize} bytes, the pickle holds ${bytes.length}`);
    }
    let data = makeTyped(dt.dtype, bytes, dt.bigEndian, dt.itemsize);
    // Python 2 numpy may write the flag as an int
    if ((isFortran === true || isFortran === 1) && shape.length > 1) data = fortranToC(data, shape as number[]);
    this.array = new NumpyArray(dt.dtype, [...(shape as number[])], data);
  }
}

const RECONSTRUCT = pyFunction("numpy.core.multiarray", "_reconstruct", (args) => {
  const [cls] = args;
  if (!cls || (cls as PyGlobal).name !== "ndarray") throw new PickleError(`numpy _reconstruct: only numpy.ndarray is read, got ${pyTypeName(cls)}`);
  return new NdArrayBuilder();
});

const NDARRAY: PyGlobal = { kind: "global", module: "numpy", name: "ndarray" };

const DTYPE = pyFunction("numpy", "dtype", (args) => {
  const spec = args[0];
  if (typeof spec !== "string") throw new PickleError(`numpy.dtype: expected a type code string, got ${pyTypeName(spec)}`);
  const k = KINDS[spec];
  if (!k) throw new PickleError(`numpy.dtype('${spec}') is not read (read: ${Object.keys(KINDS).join(", ")})`);
  return new NumpyDTypeObj(k.dtype, k.size, spec);
});

const SCALAR = pyFunction("numpy.core.multiarray", "scalar", (args) => {
  const [dt, raw] = args;
  if (!(dt instanceof NumpyDTypeObj)) throw new PickleError(`numpy scalar: expected a numpy.dtype, got ${pyTypeName(dt)}`);
  const bytes = rawBytes(raw, `numpy scalar of ${dt.spec}`);
  if (bytes.length !== dt.itemsize) throw new PickleError(`numpy scalar of ${dt.spec} needs ${dt.itemsize} bytes, got ${bytes.length}`);
  const v = makeTyped(dt.dtype, bytes, dt.bigEndian, dt.itemsize)[0]!;
  if (dt.dtype === "bool") return v !== 0;
  return typeof v === "bigint" ? (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v) : v;
});

/** `_codecs.encode(str, 'latin1')`: how Python 3 writes bytes at protocol 2. */
export const CODECS_ENCODE = pyFunction("_codecs", "encode", (args) => {
  const [s, enc] = args;
  if (typeof s !== "string") throw new PickleError(`_codecs.encode: expected a str, got ${pyTypeName(s)}`);
  if (enc !== "latin1" && enc !== "latin-1" && enc !== "iso-8859-1") throw new PickleError(`_codecs.encode: only latin1 is read, got ${JSON.stringify(enc)}`);
  return latin1Bytes(s, "_codecs.encode");
});

/** The globals a numpy-holding pickle may name (numpy 1 and numpy 2 module paths). */
export function numpyGlobals(): Map<string, PyGlobal> {
  const m = new Map<string, PyGlobal>();
  for (const mod of ["numpy.core.multiarray", "numpy._core.multiarray"]) {
    m.set(`${mod} _reconstruct`, RECONSTRUCT);
    m.set(`${mod} scalar`, SCALAR);
  }
  m.set("numpy ndarray", NDARRAY);
  m.set("numpy dtype", DTYPE);
  m.set("_codecs encode", CODECS_ENCODE);
  return m;
}

/** An unpickled value with every ndarray builder replaced by its NumpyArray (in place; shared and cyclic references kept). */
export function resolveNumpy(v: PyValue, seen: WeakMap<object, PyValue> = new WeakMap()): PyValue {
  if (v instanceof NdArrayBuilder) {
    if (!v.array) throw new PickleError("an ndarray was reconstructed but never given its state (BUILD missing)");
    return v.array;
  }
  if (typeof v !== "object" || v === null) return v;
  if (seen.has(v)) return seen.get(v);
  if (v instanceof Map) {
    seen.set(v, v);
    for (const [k, x] of v) if (typeof x === "object" && x !== null) v.set(k, resolveNumpy(x, seen));
    return v;
  }
  if (Array.isArray(v)) {
    if (isPyTuple(v)) {
      const items = v.map((x) => resolveNumpy(x, seen));
      const t = items.every((x, i) => x === v[i]) ? v : pyTuple(items);
      seen.set(v, t);
      return t;
    }
    seen.set(v, v);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (typeof x === "object" && x !== null) v[i] = resolveNumpy(x, seen);
    }
    return v;
  }
  return v;
}

const CODES: Record<NumpyDType, string> = {
  float64: "f8", float32: "f4", int64: "i8", int32: "i4", int16: "i2", int8: "i1",
  uint64: "u8", uint32: "u4", uint16: "u2", uint8: "u1", bool: "b1",
};

/**
 * A numpy array as numpy pickles it, for the pickler: `flavor` "py2" writes the
 * payload as a Python 2 str (BINSTRING), "py3" as `_codecs.encode(…, 'latin1')`.
 */
export function numpyArrayToPickle(a: NumpyArray, flavor: "py2" | "py3"): PyCall {
  const code = CODES[a.dtype];
  const itemsize = KINDS[code]!.size;
  const order = itemsize === 1 ? "|" : "<";
  const raw = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength).slice();
  const bytesOf = (b: Uint8Array) => (flavor === "py2" ? new PyBytesStr(b) : new PyBytes(b));
  const dtype = new PyCall(new PyGlobalRef("numpy", "dtype"), [code, false, true], new PyTupleOf([3, order, null, null, null, -1, -1, 0]));
  return new PyCall(
    new PyGlobalRef("numpy.core.multiarray", "_reconstruct"),
    [new PyGlobalRef("numpy", "ndarray"), new PyTupleOf([0]), bytesOf(new Uint8Array([0x62]))],
    new PyTupleOf([1, new PyTupleOf([...a.shape]), dtype, false, bytesOf(raw)]),
  );
}
