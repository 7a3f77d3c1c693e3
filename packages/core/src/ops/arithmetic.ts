// Broadcasting binary arithmetic and comparisons, where, clamp.
import type { Tensor } from "../tensor/tensor.js";
import { ShapeError } from "../tensor/errors.js";
import { broadcastShapes, fmtShape } from "../tensor/shape.js";
import { commonDevice } from "../registry/registry.js";
import { record } from "../autograd/tape.js";
import { assertTensor, kernel1, operands, requireFloat, scalarLike, sumTo, type TensorLike } from "./util.js";

function checkBroadcast(op: string, a: Tensor, b: Tensor): void {
  if (!broadcastShapes(a.shape, b.shape)) {
    throw new ShapeError(`${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} do not broadcast (operands ${a} and ${b})`);
  }
}

function binaryOp(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, Tensor] {
  const [x, y] = operands(op, a, b);
  checkBroadcast(op, x, y);
  return [x, y, kernel1(op, [x, y])];
}

/** a + b (broadcasting). */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("add", a, b);
  record("add", [x, y], [out], ([g]) => [sumTo(g!, x.shape), sumTo(g!, y.shape)]);
  return out;
}

/** a − b (broadcasting). */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("sub", a, b);
  record("sub", [x, y], [out], ([g]) => [sumTo(g!, x.shape), y.requiresGrad ? sumTo(neg(g!), y.shape) : null]);
  return out;
}

/** a ⊙ b (broadcasting). */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("mul", a, b);
  record("mul", [x, y], [out], ([g]) => [
    x.requiresGrad ? sumTo(mul(g!, y), x.shape) : null,
    y.requiresGrad ? sumTo(mul(g!, x), y.shape) : null,
  ]);
  return out;
}

/** a / b (broadcasting). */
export function div(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("div", a, b);
  record("div", [x, y], [out], ([g]) => [
    x.requiresGrad ? sumTo(div(g!, y), x.shape) : null,
    // d(x/y)/dy = −x/y² = −out/y
    y.requiresGrad ? sumTo(neg(div(mul(g!, out), y)), y.shape) : null,
  ]);
  return out;
}

/** Elementwise max (gradient to a where a ≥ b). */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("maximum", a, b);
  record("maximum", [x, y], [out], ([g]) => {
    const m = kernel1("less", [x, y]); // 1 where b wins
    return [sumTo(where(m, 0, g!), x.shape), sumTo(where(m, g!, 0), y.shape)];
  });
  return out;
}

/** Elementwise min (gradient to a where a ≤ b). */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y, out] = binaryOp("minimum", a, b);
  record("minimum", [x, y], [out], ([g]) => {
    const m = kernel1("greater", [x, y]); // 1 where b wins
    return [sumTo(where(m, 0, g!), x.shape), sumTo(where(m, g!, 0), y.shape)];
  });
  return out;
}

/** x^p for a constant exponent p. */
export function pow(x: Tensor, p: number): Tensor {
  assertTensor("pow", x);
  requireFloat("pow", x);
  const out = kernel1("pow", [x, scalarLike(p, x)]);
  record("pow", [x], [out], ([g]) => [mul(g!, mul(kernel1("pow", [x, scalarLike(p - 1, x)]), p))]);
  return out;
}

/** −x. */
export function neg(x: Tensor): Tensor {
  assertTensor("neg", x);
  const out = kernel1("neg", [x]);
  record("neg", [x], [out], ([g]) => [neg(g!)]);
  return out;
}

/** 1 where a > b else 0 (same dtype; not differentiable). */
export function greater(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("greater", a, b)[2];
}
/** 1 where a < b else 0 (same dtype; not differentiable). */
export function less(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("less", a, b)[2];
}
/** 1 where a == b else 0 (same dtype; not differentiable). */
export function equal(a: TensorLike, b: TensorLike): Tensor {
  return binaryOp("equal", a, b)[2];
}

/** cond ≠ 0 ? a : b, all broadcasting together; cond may have any dtype. Differentiable in a and b. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  assertTensor("where", cond, "cond");
  const like = typeof a !== "number" ? a : typeof b !== "number" ? b : null;
  if (!like) throw new TypeError("where: a or b must be a Tensor");
  const [x, y] = operands("where", typeof a === "number" ? scalarLike(a, like) : a, typeof b === "number" ? scalarLike(b, like) : b);
  commonDevice("where", [cond, x]);
  const s = broadcastShapes(cond.shape, x.shape);
  if (!s || !broadcastShapes(s, y.shape)) {
    throw new ShapeError(`where: cond ${fmtShape(cond.shape)}, a ${fmtShape(x.shape)} and b ${fmtShape(y.shape)} do not broadcast`);
  }
  const out = kernel1("where", [cond, x, y]);
  record("where", [x, y], [out], ([g]) => [
    x.requiresGrad ? sumTo(where(cond, g!, 0), x.shape) : null,
    y.requiresGrad ? sumTo(where(cond, 0, g!), y.shape) : null,
  ]);
  return out;
}

/** min(max(x, lo), hi); gradient passes where lo < x < hi. */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  assertTensor("clamp", x);
  if (!(lo <= hi)) throw new RangeError(`clamp: lo (${lo}) must be ≤ hi (${hi})`);
  const out = kernel1("clamp", [x], { lo, hi });
  record("clamp", [x], [out], ([g]) => {
    const inside = kernel1("mul", [kernel1("greater", [x, scalarLike(lo, x)]), kernel1("less", [x, scalarLike(hi, x)])]);
    return [mul(g!, inside)];
  });
  return out;
}
