// Tensors as they sit in a PyTorch state dict: dtype, shape, row-major data
// (docs/CONTRACTS.md §4). float16/bfloat16 keep their raw 16-bit patterns.

export type TorchDType = "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

export type RawTensorData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

export interface RawTensor {
  dtype: TorchDType;
  shape: number[];
  /** Row-major, contiguous; length = product of shape. bool is 0/1 bytes; float16/bfloat16 are raw bits. */
  data: RawTensorData;
}

interface DTypeInfo {
  dtype: TorchDType;
  /** torch.<name>Storage */
  storage: string;
  itemsize: number;
  make(buf: ArrayBuffer, offset: number, n: number): RawTensorData;
  alloc(n: number): RawTensorData;
  check(data: RawTensorData): boolean;
}

export const TORCH_DTYPES: readonly DTypeInfo[] = [
  { dtype: "float32", storage: "FloatStorage", itemsize: 4, make: (b, o, n) => new Float32Array(b, o, n), alloc: (n) => new Float32Array(n), check: (d) => d instanceof Float32Array },
  { dtype: "float64", storage: "DoubleStorage", itemsize: 8, make: (b, o, n) => new Float64Array(b, o, n), alloc: (n) => new Float64Array(n), check: (d) => d instanceof Float64Array },
  { dtype: "float16", storage: "HalfStorage", itemsize: 2, make: (b, o, n) => new Uint16Array(b, o, n), alloc: (n) => new Uint16Array(n), check: (d) => d instanceof Uint16Array },
  { dtype: "bfloat16", storage: "BFloat16Storage", itemsize: 2, make: (b, o, n) => new Uint16Array(b, o, n), alloc: (n) => new Uint16Array(n), check: (d) => d instanceof Uint16Array },
  { dtype: "int64", storage: "LongStorage", itemsize: 8, make: (b, o, n) => new BigInt64Array(b, o, n), alloc: (n) => new BigInt64Array(n), check: (d) => d instanceof BigInt64Array },
  { dtype: "int32", storage: "IntStorage", itemsize: 4, make: (b, o, n) => new Int32Array(b, o, n), alloc: (n) => new Int32Array(n), check: (d) => d instanceof Int32Array },
  { dtype: "int16", storage: "ShortStorage", itemsize: 2, make: (b, o, n) => new Int16Array(b, o, n), alloc: (n) => new Int16Array(n), check: (d) => d instanceof Int16Array },
  { dtype: "int8", storage: "CharStorage", itemsize: 1, make: (b, o, n) => new Int8Array(b, o, n), alloc: (n) => new Int8Array(n), check: (d) => d instanceof Int8Array },
  { dtype: "uint8", storage: "ByteStorage", itemsize: 1, make: (b, o, n) => new Uint8Array(b, o, n), alloc: (n) => new Uint8Array(n), check: (d) => d instanceof Uint8Array },
  { dtype: "bool", storage: "BoolStorage", itemsize: 1, make: (b, o, n) => new Uint8Array(b, o, n), alloc: (n) => new Uint8Array(n), check: (d) => d instanceof Uint8Array },
];

export function dtypeInfo(dtype: TorchDType): DTypeInfo {
  const d = TORCH_DTYPES.find((x) => x.dtype === dtype);
  if (!d) throw new TypeError(`unknown tensor dtype '${String(dtype)}' (known: ${TORCH_DTYPES.map((x) => x.dtype).join(", ")})`);
  return d;
}

export function storageInfo(storageName: string): DTypeInfo | undefined {
  return TORCH_DTYPES.find((x) => x.storage === storageName);
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Element values as JS numbers (int64 → number, possibly inexact beyond 2^53). */
export function rawToNumbers(t: RawTensor): number[] {
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A float64 copy of a float32/float64/int tensor's values. */
export function rawToFloat64(t: RawTensor): Float64Array {
  if (t.dtype === "float16" || t.dtype === "bfloat16") throw new TypeError(`rawToFloat64: ${t.dtype} is not converted`);
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]!);
  return out;
}
