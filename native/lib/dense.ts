// Typings for the dense kernels behind @elm/core's `cpu` device (elm_cpu.node).
// Op codes match native/include/elm/dense_math.h.
import { cpu, cuda } from "./loader.js";

type Float = Float32Array | Float64Array;

export const DENSE_UNARY_OPS = ["neg", "exp", "log", "sqrt", "abs", "sign", "tanh", "sigmoid", "relu", "silu", "softplus"] as const;
export const DENSE_BINARY_OPS = ["add", "sub", "mul", "div", "maximum", "minimum", "greater", "less", "equal", "pow"] as const;
export type DenseUnaryOp = (typeof DENSE_UNARY_OPS)[number];
export type DenseBinaryOp = (typeof DENSE_BINARY_OPS)[number];

export interface DenseKernels {
  /** For t < batch: C[t] (=, or += when accumulate) op(A at offA[t]) · op(B at offB[t]); C is [batch, m, n]. */
  denseMatmul<T extends Float>(a: T, b: T, c: T, batch: number, m: number, n: number, k: number,
    offA: Float64Array, offB: Float64Array, transA: boolean, transB: boolean, accumulate: boolean): void;
  /** y = f(x), op an index into DENSE_UNARY_OPS. */
  denseUnary<T extends Float>(op: number, x: T, y: T): void;
  /** out[idx] = a[idx·sa] op b[idx·sb] over `shape`; op an index into DENSE_BINARY_OPS. */
  denseBinary<T extends Float>(op: number, shape: Float64Array, a: T, sa: Float64Array, b: T, sb: Float64Array, out: T): void;
  denseSumAxis<T extends Float>(outer: number, n: number, inner: number, x: T, out: T): void;
  denseMaxAxis<T extends Float>(outer: number, n: number, inner: number, x: T, out: T): void;
  denseSoftmaxAxis<T extends Float>(outer: number, n: number, inner: number, x: T, out: T, log: boolean): void;
  denseCrossEntropyRows<T extends Float>(rows: number, C: number, z: T, t: Int32Array, loss: T): void;
  denseCrossEntropyRowsGrad<T extends Float>(rows: number, C: number, z: T, t: Int32Array, g: T, dz: T): void;
}

/** The CUDA addon's dense kernels: the same calls as DenseKernels (accumulate must be false). */
export type CudaDenseKernels = Pick<DenseKernels, "denseMatmul" | "denseUnary" | "denseBinary">;

/** The CUDA kernels' thread bodies run in host loops (elm_cpu), to test their math without a GPU. */
export interface DenseBodiesOnHost {
  denseMatmulBodiesOnHost<T extends Float>(a: T, b: T, c: T, batch: number, m: number, n: number, k: number,
    offA: Float64Array, offB: Float64Array, transA: boolean, transB: boolean): void;
  denseBinaryBodiesOnHost<T extends Float>(op: number, shape: Float64Array, a: T, sa: Float64Array, b: T, sb: Float64Array, out: T): void;
}

/** The dense kernels of the CPU addon. */
export const dense: DenseKernels & DenseBodiesOnHost = cpu as unknown as DenseKernels & DenseBodiesOnHost;

/** The dense kernels of the CUDA addon; throws CudaUnavailableError naming the reason without a usable GPU. */
export function cudaDense(): CudaDenseKernels {
  return cuda() as unknown as CudaDenseKernels;
}
