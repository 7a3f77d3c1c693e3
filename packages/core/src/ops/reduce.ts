// Reductions over axes (sum, mean, max) and broadcastTo, with their adjoints.
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, fmtShape, normAxes, shapesEqual } from "../tensor/shape.js";
import { ShapeError } from "../tensor/errors.js";
import { record } from "../autograd/tape.js";
import { reducedShape } from "../kernels/ref/reduce.js";
import { div, mul } from "./arithmetic.js";
import { assertTensor, kernel1, sumTo } from "./util.js";
import { reshape } from "./shape.js";

/** Broadcasts x to `shape` (materialised); adjoint: sumTo. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor("broadcastTo", x);
  const s = broadcastShapes(x.shape, shape);
  if (!s || !shapesEqual(s, shape)) throw new ShapeError(`broadcastTo: ${x} cannot broadcast to ${fmtShape(shape)}`);
  if (shapesEqual(x.shape, shape)) return x;
  const out = kernel1("broadcastTo", [x], { shape: [...shape] });
  record("broadcastTo", [x], [out], ([g]) => [sumTo(g!, x.shape)]);
  return out;
}

/** Σ over axes (all when omitted). */
export function sum(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  assertTensor("sum", x);
  const ax = normAxes(axes, x.ndim, "sum");
  const out = kernel1("sum", [x], { axes: ax, keepDims });
  record("sum", [x], [out], ([g]) => [broadcastTo(reshape(g!, reducedShape(x.shape, ax, true)), x.shape)]);
  return out;
}

/** Mean over axes (all when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  assertTensor("mean", x);
  const ax = normAxes(axes, x.ndim, "mean");
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  if (count === 0) throw new ShapeError(`mean: reducing ${x} over axes [${ax.join(",")}] averages zero elements`);
  return div(sum(x, ax, keepDims), count);
}

/** Max over axes (all when omitted); the gradient is shared equally among ties. */
export function max(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  assertTensor("max", x);
  const ax = normAxes(axes, x.ndim, "max");
  if (x.size === 0) throw new ShapeError(`max: cannot reduce an empty tensor ${x}`);
  const out = kernel1("max", [x], { axes: ax, keepDims });
  record("max", [x], [out], ([g]) => {
    const keep = reducedShape(x.shape, ax, true);
    const isMax = kernel1("equal", [x, reshape(out, keep)]);
    const ties = kernel1("sum", [isMax], { axes: ax, keepDims: true });
    return [mul(isMax, div(reshape(g!, keep), ties))];
  });
  return out;
}

/** Index of the maximum along `axis` (int32, not differentiable); first maximum wins. */
export function argmax(x: Tensor, axis = -1, keepDims = false): Tensor {
  assertTensor("argmax", x);
  const ax = normAxes(axis, x.ndim, "argmax")[0];
  if (x.shape[ax] === 0) throw new ShapeError(`argmax: axis ${axis} of ${x} is empty`);
  return kernel1("argmax", [x], { axis: ax, keepDims });
}
