// Elementwise functions with their derivatives.
import type { Tensor } from "../tensor/tensor.js";
import { record } from "../autograd/tape.js";
import { add, mul, sub, div } from "./arithmetic.js";
import { assertTensor, kernel1, requireFloat, scalarLike } from "./util.js";

function unary(op: string, x: Tensor, grad: (g: Tensor, out: Tensor) => Tensor): Tensor {
  assertTensor(op, x);
  requireFloat(op, x);
  const out = kernel1(op, [x]);
  record(op, [x], [out], ([g]) => [grad(g!, out)]);
  return out;
}

export const exp = (x: Tensor): Tensor => unary("exp", x, (g, y) => mul(g, y));
export const log = (x: Tensor): Tensor => unary("log", x, (g) => div(g, x));
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x, (g, y) => div(mul(g, 0.5), y));
export const abs = (x: Tensor): Tensor => unary("abs", x, (g) => mul(g, kernel1("sign", [x])));
export const tanh = (x: Tensor): Tensor => unary("tanh", x, (g, y) => mul(g, sub(1, mul(y, y))));
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x, (g, y) => mul(g, mul(y, sub(1, y))));
// relu′ = [relu(x) ≠ 0]: 0 where x ≤ 0, 1 where x > 0 and where x is NaN (the
// gradient passes, as PyTorch's threshold_backward)
export const relu = (x: Tensor): Tensor =>
  unary("relu", x, (g, y) => mul(g, sub(1, kernel1("equal", [y, scalarLike(0, y)]))));
/** x·σ(x); d/dx = σ(x)·(1 + x·(1 − σ(x))). */
export const silu = (x: Tensor): Tensor =>
  unary("silu", x, (g) => {
    const s = kernel1("sigmoid", [x]);
    return mul(g, mul(s, add(1, mul(x, sub(1, s)))));
  });
/** log(1 + eˣ), stable; d/dx = σ(x). */
export const softplus = (x: Tensor): Tensor => unary("softplus", x, (g) => mul(g, kernel1("sigmoid", [x])));
/** sign(x) ∈ {−1, 0, 1} (zero gradient: not recorded). */
export const sign = (x: Tensor): Tensor => {
  assertTensor("sign", x);
  return kernel1("sign", [x]);
};
