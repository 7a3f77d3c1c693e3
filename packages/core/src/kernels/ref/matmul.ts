// Reference batched matmul: C[..., m, n] = op(A)[..., m, k] · op(B)[..., k, n],
// op = transpose when transA/transB; batch dimensions broadcast. Float64 accumulation.
import { registerKernel } from "../../registry/registry.js";
import { broadcastShapes, broadcastStrides, fmtShape, shapeSize } from "../../tensor/shape.js";
import { ShapeError } from "../../tensor/errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Device } from "../../tensor/device.js";
import { empty, forEachIndex2 } from "./util.js";

export interface MatmulAttrs {
  transA?: boolean;
  transB?: boolean;
}

export interface MatmulPlan {
  batchShape: number[];
  m: number;
  k: number;
  n: number;
  /** Element offsets of each batch's A and B matrix. */
  offA: Int32Array | number[];
  offB: Int32Array | number[];
  outShape: number[];
}

/** Shapes, batch broadcasting and per-batch offsets of a matmul; throws naming both operands. */
export function planMatmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulAttrs): MatmulPlan {
  if (a.ndim < 2 || b.ndim < 2) throw new ShapeError(`matmul: operands need rank ≥ 2, got ${a} and ${b}`);
  const [ar, ac] = a.shape.slice(-2);
  const [br, bc] = b.shape.slice(-2);
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const kb = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: ${a}${transA ? "ᵀ" : ""} has k=${k}, ${b}${transB ? "ᵀ" : ""} has k=${kb}`);
  }
  const ba = a.shape.slice(0, -2);
  const bb = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(ba, bb);
  if (!batchShape) throw new ShapeError(`matmul: batch shapes ${fmtShape(ba)} and ${fmtShape(bb)} do not broadcast (operands ${a} and ${b})`);
  const nb = shapeSize(batchShape);
  const offA: number[] = new Array(nb);
  const offB: number[] = new Array(nb);
  const sa = broadcastStrides(ba, batchShape).map((s) => s * ar * ac);
  const sb = broadcastStrides(bb, batchShape).map((s) => s * br * bc);
  if (batchShape.length === 0) {
    offA[0] = 0;
    offB[0] = 0;
  } else forEachIndex2(batchShape, sa, sb, (i, oa, ob) => {
    offA[i] = oa;
    offB[i] = ob;
  });
  return { batchShape, m, k, n, offA, offB, outShape: [...batchShape, m, n] };
}

registerKernel({
  op: "matmul",
  device: "ref",
  fn: ([a, b]: Tensor[], attrs: MatmulAttrs, device: Device) => {
    const p = planMatmul(a, b, attrs);
    const { m, k, n } = p;
    const out = empty(p.outShape, a.dtype, device);
    const A = a.data;
    const B = b.data;
    const C = out.data;
    // element (i, l) of op(A) and (l, j) of op(B)
    const sAi = attrs.transA ? 1 : k;
    const sAl = attrs.transA ? m : 1;
    const sBl = attrs.transB ? 1 : n;
    const sBj = attrs.transB ? k : 1;
    for (let bt = 0; bt < p.offA.length; bt++) {
      const oa = p.offA[bt];
      const ob = p.offB[bt];
      const oc = bt * m * n;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let l = 0; l < k; l++) s += A[oa + i * sAi + l * sAl] * B[ob + l * sBl + j * sBj];
          C[oc + i * n + j] = s;
        }
      }
    }
    return out;
  },
});
