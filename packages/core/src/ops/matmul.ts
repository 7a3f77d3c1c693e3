// Batched matmul [..., m, k] @ [..., k, n] with broadcast batch dims, and its adjoints:
// dA = dC · Bᵀ, dB = Aᵀ · dC (summed over broadcast batch dims). A 2-D right operand
// (a linear layer's weight) folds the batch into m so one GEMM does the work.
import { Tensor } from "../tensor/tensor.js";
import { DTypeError } from "../tensor/errors.js";
import { commonDevice } from "../registry/registry.js";
import { record } from "../autograd/tape.js";
import { planMatmul } from "../kernels/ref/matmul.js";
import { assertTensor, kernel1, sumTo } from "./util.js";
import { reshape } from "./shape.js";

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

/** op(a) @ op(b) where op transposes the last two axes when asked. */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  assertTensor("matmul", a, "a");
  assertTensor("matmul", b, "b");
  if (a.dtype !== b.dtype) throw new DTypeError(`matmul: dtypes differ: ${a} and ${b}`);
  if (a.dtype === "int32") throw new DTypeError(`matmul: needs float tensors, got ${a} and ${b}`);
  commonDevice("matmul", [a, b]);
  const transA = !!opts.transA;
  const transB = !!opts.transB;
  const plan = planMatmul(a, b, { transA, transB }); // validates shapes
  if (a.ndim > 2 && b.ndim === 2 && !transA && a.size > 0) {
    // [..., m, k] @ [k, n] → one [M, k] @ [k, n]
    const a2 = reshape(a, [-1, a.shape[a.ndim - 1]]);
    return reshape(matmul(a2, b, { transB }), plan.outShape);
  }
  const out = kernel1("matmul", [a, b], { transA, transB });
  record("matmul", [a, b], [out], ([g]) => {
    let dA: Tensor | null = null;
    let dB: Tensor | null = null;
    if (a.requiresGrad) {
      // C = op(A)·op(B): d op(A) = G·op(B)ᵀ; dA = transA ? (G·op(B)ᵀ)ᵀ = op(B)·Gᵀ : G·op(B)ᵀ
      const full = transA ? kernel1("matmul", [b, g!], { transA: transB, transB: true }) : kernel1("matmul", [g!, b], { transA: false, transB: !transB });
      dA = sumTo(full, a.shape);
    }
    if (b.requiresGrad) {
      // d op(B) = op(A)ᵀ·G; dB = transB ? Gᵀ·op(A) : op(A)ᵀ·G
      const full = transB ? kernel1("matmul", [g!, a], { transA: true, transB: transA }) : kernel1("matmul", [a, g!], { transA: !transA, transB: false });
      dB = sumTo(full, b.shape);
    }
    return [dA, dB];
  });
  return out;
}

export function isTensor(x: unknown): x is Tensor {
  return x instanceof Tensor;
}
