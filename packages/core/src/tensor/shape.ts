// Shape arithmetic: sizes, strides, broadcasting (NumPy rules), axis normalisation.
import { ShapeError } from "./errors.js";

export type Shape = readonly number[];

export function shapeSize(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function checkShape(shape: unknown, what = "shape"): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${what} must be an array of non-negative integers, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${what} [${shape.join(",")}] has dimension ${String(d)}; expected non-negative integers`);
    }
  }
  return [...shape];
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fmtShape(s: Shape): string {
  return `[${s.join(",")}]`;
}

/** The broadcast shape of a and b, or null if they do not broadcast. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/** Strides for reading a tensor of `shape` as if it had `outShape` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const st = stridesOf(shape);
  const off = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[i + off] = shape[i] === 1 ? 0 : st[i];
  return out;
}

/** Normalise an axis (negative counts from the end); throws naming op and rank. */
export function normAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new ShapeError(`${op}: axis ${axis} is out of range for a tensor of rank ${ndim} (expected ${-ndim}..${ndim - 1})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalise a list of axes (undefined = all), sorted and unique. */
export function normAxes(axes: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  const out = [...new Set(list.map((a) => normAxis(a, ndim, op)))];
  if (out.length !== list.length) throw new ShapeError(`${op}: repeated axis in [${list.join(",")}]`);
  return out.sort((x, y) => x - y);
}
