// Element types and the typed arrays that hold them.
export type DType = "float32" | "float64" | "int32";
export type TypedArray = Float32Array | Float64Array | Int32Array;
export type FloatArray = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32"];

export function isDType(x: unknown): x is DType {
  return x === "float32" || x === "float64" || x === "int32";
}

export function allocate(dtype: DType, n: number): TypedArray {
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
