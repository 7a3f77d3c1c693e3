// softmax and log-softmax along an axis.
// d softmax: gx = y ⊙ (g − Σ g⊙y);  d logSoftmax: gx = g − softmax(x) ⊙ Σ g.
import type { Tensor } from "../tensor/tensor.js";
import { normAxis } from "../tensor/shape.js";
import { record } from "../autograd/tape.js";
import { mul, sub } from "./arithmetic.js";
import { assertTensor, kernel1, requireFloat } from "./util.js";

export function softmax(x: Tensor, axis = -1): Tensor {
  assertTensor("softmax", x);
  requireFloat("softmax", x);
  const ax = normAxis(axis, x.ndim, "softmax");
  const out = kernel1("softmax", [x], { axis: ax });
  record("softmax", [x], [out], ([g]) => {
    const dot = kernel1("sum", [mul(g!, out)], { axes: [ax], keepDims: true });
    return [mul(out, sub(g!, dot))];
  });
  return out;
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  assertTensor("logSoftmax", x);
  requireFloat("logSoftmax", x);
  const ax = normAxis(axis, x.ndim, "logSoftmax");
  const out = kernel1("logSoftmax", [x], { axis: ax });
  record("logSoftmax", [x], [out], ([g]) => {
    const gs = kernel1("sum", [g!], { axes: [ax], keepDims: true });
    return [sub(g!, mul(kernel1("softmax", [x], { axis: ax }), gs))];
  });
  return out;
}
