// Element types and the typed arrays that hold them.
export type DType = "float32" | "float64" | "int32";
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32"];

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "float64" || x === "int32";
}

/** The most elements one typed array holds (V8 in Node 20: 2^32). */
export const MAX_ELEMENTS = 2 ** 32;

/** A zero-filled array of n elements; more than MAX_ELEMENTS, or more than memory allows, is a RangeError saying so. */
export function allocate(dtype: DType, n: number): TypedArray {
  if (n > MAX_ELEMENTS) {
    throw new RangeError(`cannot allocate a ${dtype} tensor of ${n} elements: one typed array holds at most ${MAX_ELEMENTS} (2^32)`);
  }
  try {
    return allocateUnchecked(dtype, n);
  } catch (e) {
    if (e instanceof RangeError) {
      throw new RangeError(`cannot allocate a ${dtype} tensor of ${n} elements (${(n * bytesOf(dtype) / 2 ** 30).toFixed(1)} GiB): ${e.message}`);
    }
    throw e;
  }
}

function bytesOf(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

function allocateUnchecked(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    default:
      throw new TypeError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(", ")}`);
  }
}

export function dtypeOfArray(a: unknown): DType | null {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return null;
}

export function isFloatDType(d: DType): boolean {
  return d === "float32" || d === "float64";
}

/** Bytes per element. */
export function itemSize(d: DType): number {
  return d === "float64" ? 8 : 4;
}
