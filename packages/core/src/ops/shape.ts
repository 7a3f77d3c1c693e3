// Shape ops: reshape (a view on the same data), transpose, slice, concat, squeeze/unsqueeze.
import { Tensor } from "../tensor/tensor.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { fmtShape, normAxis, shapeSize } from "../tensor/shape.js";
import { commonDevice } from "../registry/registry.js";
import { record } from "../autograd/tape.js";
import { assertTensor, kernel1 } from "./util.js";

/** Same data, new shape; one dimension may be −1 (inferred). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  assertTensor("reshape", x);
  const s = [...shape];
  const inferred = s.indexOf(-1);
  if (inferred >= 0 && s.indexOf(-1, inferred + 1) >= 0) throw new ShapeError(`reshape: only one dimension may be -1, got ${fmtShape(shape)}`);
  for (const d of s) if (!Number.isInteger(d) || d < -1) throw new ShapeError(`reshape: bad dimension ${d} in ${fmtShape(shape)}`);
  if (inferred >= 0) {
    const rest = s.reduce((n, d, i) => (i === inferred ? n : n * d), 1);
    if (rest === 0 || x.size % rest !== 0) throw new ShapeError(`reshape: cannot reshape ${x} to ${fmtShape(shape)}`);
    s[inferred] = x.size / rest;
  }
  if (shapeSize(s) !== x.size) throw new ShapeError(`reshape: cannot reshape ${x} (${x.size} elements) to ${fmtShape(shape)} (${shapeSize(s)} elements)`);
  const out = new Tensor(x.data, s, x.device);
  record("reshape", [x], [out], ([g]) => [new Tensor(g!.data, x.shape, g!.device)]);
  return out;
}

/** Inserts a size-1 axis at `axis`. */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normAxis(axis, x.ndim + 1, "unsqueeze");
  const s = [...x.shape];
  s.splice(a, 0, 1);
  return reshape(x, s);
}

/** Removes size-1 axis `axis` (or all size-1 axes). */
export function squeeze(x: Tensor, axis?: number): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const a = normAxis(axis, x.ndim, "squeeze");
  if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${axis} of ${x} has size ${x.shape[a]}, expected 1`);
  const s = [...x.shape];
  s.splice(a, 1);
  return reshape(x, s);
}

/** Swaps axes a and b (materialised). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  assertTensor("transpose", x);
  const axis0 = normAxis(a, x.ndim, "transpose");
  const axis1 = normAxis(b, x.ndim, "transpose");
  if (axis0 === axis1) return x;
  const out = kernel1("transpose", [x], { axis0, axis1 });
  record("transpose", [x], [out], ([g]) => [transpose(g!, axis0, axis1)]);
  return out;
}

/** x[..., start:end, ...] along `axis` (e.g. batch or time); negative start/end count from the end. */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  assertTensor("slice", x);
  const ax = normAxis(axis, x.ndim, "slice");
  const n = x.shape[ax];
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (!Number.isInteger(s) || !Number.isInteger(e) || s < 0 || e > n || s > e) {
    throw new ShapeError(`slice: range [${start}, ${end ?? n}) is out of bounds for axis ${axis} of size ${n} in ${x}`);
  }
  if (s === 0 && e === n) return x;
  const out = kernel1("slice", [x], { axis: ax, start: s, end: e });
  record("slice", [x], [out], ([g]) => [kernel1("slicePad", [g!], { shape: [...x.shape], axis: ax, start: s })]);
  return out;
}

/** Joins tensors along `axis`; all other dimensions, the dtype and the device must match. */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError("concat: needs a non-empty array of tensors");
  xs.forEach((t, i) => assertTensor("concat", t, `tensor ${i}`));
  const first = xs[0];
  const ax = normAxis(axis, first.ndim, "concat");
  commonDevice("concat", xs as Tensor[]);
  for (const t of xs) {
    if (t.dtype !== first.dtype) throw new DTypeError(`concat: dtypes differ: ${first} and ${t}`);
    if (t.ndim !== first.ndim || t.shape.some((d: number, i: number) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concat: along axis ${axis}, shapes must match elsewhere: ${first} and ${t}`);
    }
  }
  if (xs.length === 1) return first;
  const out = kernel1("concat", [...xs], { axis: ax });
  record("concat", [...xs], [out], ([g]) => {
    let at = 0;
    return xs.map((t) => {
      const len = t.shape[ax];
      const piece = t.requiresGrad ? kernel1("slice", [g!], { axis: ax, start: at, end: at + len }) : null;
      at += len;
      return piece;
    });
  });
  return out;
}

/** Stacks equal-shaped tensors along a new axis. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new ShapeError("stack: needs a non-empty array of tensors");
  return concat(xs.map((t) => unsqueeze(t, axis)), axis);
}
