// Losses, each a mean over the (optional) mask:
//   crossEntropy(z[N,C], t[N]) = Σ_r mask_r·(logsumexp(z_r) − z_r[t_r]) / Σ_r mask_r
//   bceWithLogits(z, y)        = Σ mask·(softplus(z) − z·y) / Σ mask
//   mse(a, b)                  = Σ mask·(a − b)² / Σ mask
import { Tensor } from "../tensor/tensor.js";
import { DTypeError, ShapeError } from "../tensor/errors.js";
import { broadcastShapes, fmtShape, shapesEqual } from "../tensor/shape.js";
import { commonDevice } from "../registry/registry.js";
import { record } from "../autograd/tape.js";
import { div, mul, sub } from "./arithmetic.js";
import { softplus } from "./unary.js";
import { sum, mean, broadcastTo } from "./reduce.js";
import { reshape } from "./shape.js";
import { assertTensor, indexTensor, kernel1, requireFloat } from "./util.js";

function maskedMean(op: string, values: Tensor, mask: Tensor | undefined): Tensor {
  if (!mask) return mean(values);
  assertTensor(op, mask, "mask");
  if (mask.dtype !== values.dtype) throw new DTypeError(`${op}: mask ${mask} must have the loss dtype ${values.dtype}`);
  commonDevice(op, [values, mask]);
  const s = broadcastShapes(values.shape, mask.shape);
  if (!s || !shapesEqual(s, values.shape)) throw new ShapeError(`${op}: mask ${fmtShape(mask.shape)} does not broadcast to ${fmtShape(values.shape)}`);
  const m = broadcastTo(mask.detach(), values.shape);
  const count = kernel1("sum", [m], { axes: values.shape.map((_, i) => i), keepDims: false }).item();
  if (!(count > 0)) throw new RangeError(`${op}: mask selects no elements (its sum is ${count}); the mean is undefined`);
  return div(sum(mul(values, m)), count);
}

/**
 * Mean cross-entropy of logits [..., C] against int32 targets [...] (mask [...] of 0/1 in the
 * logits dtype; rows with mask 0 may hold any target).
 */
export function crossEntropy(logits: Tensor, target: Tensor | Int32Array, mask?: Tensor): Tensor {
  assertTensor("crossEntropy", logits, "logits");
  requireFloat("crossEntropy", logits);
  const targets = indexTensor("crossEntropy", target, logits, "targets");
  commonDevice("crossEntropy", [logits, targets]);
  if (logits.ndim < 1 || !shapesEqual(logits.shape.slice(0, -1), targets.shape)) {
    throw new ShapeError(`crossEntropy: logits ${logits} need shape [...targets.shape, C] for targets ${targets}`);
  }
  const C = logits.shape[logits.ndim - 1];
  const N = targets.size;
  if (mask) {
    assertTensor("crossEntropy", mask, "mask");
    if (!shapesEqual(mask.shape, targets.shape)) throw new ShapeError(`crossEntropy: mask ${mask} must have the targets' shape ${fmtShape(targets.shape)}`);
  }
  // targets in [0, C) where the mask is on; masked-out rows are read as class 0
  let t = targets;
  for (let r = 0; r < N; r++) {
    const v = targets.data[r];
    if (v < 0 || v >= C) {
      if (mask && mask.data[r] === 0) {
        if (t === targets) t = new Tensor(Int32Array.from(targets.data), targets.shape, targets.device);
        t.data[r] = 0;
      } else throw new RangeError(`crossEntropy: target ${v} at row ${r} is out of range for ${C} classes`);
    }
  }
  const z = reshape(logits, [N, C]);
  const t1 = new Tensor(t.data, [N], t.device);
  const rows = kernel1("crossEntropyRows", [z.detach(), t1]);
  record("crossEntropyRows", [z], [rows], ([g]) => [kernel1("crossEntropyRowsGrad", [z, t1, g!])]);
  return maskedMean("crossEntropy", reshape(rows, targets.shape), mask);
}

/** Mean binary cross-entropy with logits (targets in [0, 1], same shape and dtype as logits). */
export function bceWithLogits(logits: Tensor, targets: Tensor, mask?: Tensor): Tensor {
  assertTensor("bceWithLogits", logits, "logits");
  assertTensor("bceWithLogits", targets, "targets");
  requireFloat("bceWithLogits", logits);
  if (!shapesEqual(logits.shape, targets.shape)) throw new ShapeError(`bceWithLogits: logits ${logits} and targets ${targets} must have one shape`);
  return maskedMean("bceWithLogits", sub(softplus(logits), mul(logits, targets)), mask);
}

/** Mean squared error. */
export function mse(a: Tensor, b: Tensor, mask?: Tensor): Tensor {
  assertTensor("mse", a, "a");
  assertTensor("mse", b, "b");
  requireFloat("mse", a);
  if (!shapesEqual(a.shape, b.shape)) throw new ShapeError(`mse: shapes differ: ${a} and ${b}`);
  const d = sub(a, b);
  return maskedMean("mse", mul(d, d), mask);
}
