// gather (torch.gather along an axis), indexSelect (whole slices by a 1-D index), embedding.
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../tensor/errors.js";
import { normAxis } from "../tensor/shape.js";
import { commonDevice } from "../registry/registry.js";
import { record } from "../autograd/tape.js";
import { reshape } from "./shape.js";
import { assertTensor, indexTensor, kernel1 } from "./util.js";

function checkIndices(op: string, idx: Tensor, n: number, what: string): void {
  const d = idx.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i] < 0 || d[i] >= n) throw new RangeError(`${op}: index ${d[i]} at position ${i} is out of range for ${what} of size ${n}`);
  }
}

/** out[…, j, …] = x[…, idx[…, j, …], …] along axis; idx has x's rank and shape except along axis. */
export function gather(x: Tensor, axis: number, index: Tensor): Tensor {
  assertTensor("gather", x);
  const idx = indexTensor("gather", index, x);
  commonDevice("gather", [x, idx]);
  const ax = normAxis(axis, x.ndim, "gather");
  if (idx.ndim !== x.ndim || idx.shape.some((d, i) => i !== ax && d !== x.shape[i])) {
    throw new ShapeError(`gather: idx ${idx} must match x ${x} in every axis but ${ax}`);
  }
  checkIndices("gather", idx, x.shape[ax], `axis ${ax}`);
  const out = kernel1("gather", [x, idx], { axis: ax });
  record("gather", [x], [out], ([g]) => [kernel1("scatterAdd", [g!, idx], { axis: ax, shape: [...x.shape] })]);
  return out;
}

/** Slices of x along axis picked by the 1-D int32 idx (repeats allowed). */
export function indexSelect(x: Tensor, axis: number, index: Tensor | Int32Array): Tensor {
  assertTensor("indexSelect", x);
  const idx = indexTensor("indexSelect", index, x);
  commonDevice("indexSelect", [x, idx]);
  if (idx.ndim !== 1) throw new ShapeError(`indexSelect: idx must be 1-D, got ${idx}`);
  const ax = normAxis(axis, x.ndim, "indexSelect");
  checkIndices("indexSelect", idx, x.shape[ax], `axis ${ax}`);
  const out = kernel1("indexSelect", [x, idx], { axis: ax });
  record("indexSelect", [x], [out], ([g]) => [kernel1("indexAdd", [g!, idx], { axis: ax, shape: [...x.shape] })]);
  return out;
}

/** Rows of the table w [V, D] for int32 ids of any shape (or an Int32Array) → [...ids.shape, D]. */
export function embedding(w: Tensor, index: Tensor | Int32Array): Tensor {
  assertTensor("embedding", w, "w");
  if (w.ndim !== 2) throw new ShapeError(`embedding: table must be [V, D], got ${w}`);
  const ids = indexTensor("embedding", index, w, "ids");
  const flat = reshape(ids, [ids.size]);
  return reshape(indexSelect(w, 0, flat), [...ids.shape, w.shape[1]]);
}
