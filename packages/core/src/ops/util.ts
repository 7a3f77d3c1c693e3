// Helpers for op front-ends: operand checks, scalars as tensors, and sumTo (the adjoint of broadcasting).
import { Tensor } from "../tensor/tensor.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { allocate, isFloatDType, type DType } from "../tensor/dtype.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { runKernel, commonDevice } from "../registry/registry.js";
import type { Device } from "../tensor/device.js";

export type TensorLike = Tensor | number;

export function assertTensor(op: string, x: unknown, name = "input"): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? "null" : typeof x}`);
}

export function scalarLike(v: number, like: Tensor): Tensor {
  const d = allocate(like.dtype, 1);
  d[0] = v;
  return new Tensor(d, [], like.device);
}

/** Both operands as tensors of one dtype on one device; throws naming both otherwise. */
export function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  if (typeof a === "number" && typeof b === "number") throw new TypeError(`${op}: at least one operand must be a Tensor, got two numbers`);
  const ta = typeof a === "number" ? scalarLike(a, b as Tensor) : a;
  const tb = typeof b === "number" ? scalarLike(b, ta) : b;
  assertTensor(op, ta, "first operand");
  assertTensor(op, tb, "second operand");
  if (ta.dtype !== tb.dtype) throw new DTypeError(`${op}: dtypes differ: ${ta} and ${tb}; convert one with .astype()`);
  commonDevice(op, [ta, tb]);
  return [ta, tb];
}

export function requireFloat(op: string, x: Tensor): void {
  if (!isFloatDType(x.dtype)) throw new DTypeError(`${op}: needs a float32 or float64 tensor, got ${x}`);
}

export function requireInt(op: string, x: Tensor, name: string): void {
  if (x.dtype !== "int32") throw new DTypeError(`${op}: ${name} must be an int32 tensor, got ${x}`);
}

export function kernel1(op: string, inputs: Tensor[], attrs: object = {}, device?: Device): Tensor {
  return runKernel(op, inputs, attrs, device) as Tensor;
}

/** Sums g over the axes that broadcasting expanded, so it has `shape` (adjoint of broadcasting). */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new ShapeError(`sumTo: cannot reduce ${g} to ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) throw new ShapeError(`sumTo: cannot reduce ${g} to ${fmtShape(shape)}`);
  }
  const s = axes.length ? kernel1("sum", [g], { axes, keepDims: true }) : g;
  return new Tensor(s.data, shape, s.device);
}

export function zerosOf(shape: readonly number[], dtype: DType, device: Device): Tensor {
  return new Tensor(allocate(dtype, shape.reduce((a, b) => a * b, 1)), shape, device);
}

/** An int32 index tensor from a Tensor or an Int32Array (wrapped on `like`'s device, shape [n] unless given). */
export function indexTensor(op: string, idx: Tensor | Int32Array, like: Tensor, name = "idx"): Tensor {
  if (idx instanceof Int32Array) return new Tensor(idx, [idx.length], like.device);
  assertTensor(op, idx, name);
  requireInt(op, idx, name);
  return idx;
}
