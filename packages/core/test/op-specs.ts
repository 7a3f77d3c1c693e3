// Every differentiable op as an OpSpec: random inputs (away from kinks) and the call.
// The shared harness (src/testing.ts) runs each on every device against ref and
// checks its gradient by finite differences in float64.
import {
  Tensor, Rng, type DType,
  add, sub, mul, div, maximum, minimum, pow, neg, where, clamp,
  exp, log, sqrt, abs, tanh, sigmoid, relu, silu, softplus,
  matmul, sum, mean, max, broadcastTo, reshape, transpose, slice, concat, stack,
  softmax, logSoftmax, crossEntropy, bceWithLogits, mse, gather, indexSelect, embedding, dropout, astype,
} from "../src/index.js";
import type { OpSpec } from "../src/testing.js";

export function rand(rng: Rng, shape: number[], dtype: DType, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform()), shape, { dtype });
}
/** Values with |x| ≥ gap: away from the kinks of relu/abs/clamp. */
function randAway(rng: Rng, shape: number[], dtype: DType, gap = 0.1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(Array.from({ length: n }, () => (rng.uniform() < 0.5 ? -1 : 1) * (gap + rng.uniform())), shape, { dtype });
}
function ints(rng: Rng, shape: number[], n: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return Tensor.fromArray(Array.from({ length: size }, () => rng.int(n)), shape, { dtype: "int32" });
}
function mask(rng: Rng, shape: number[], dtype: DType): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const m = Array.from({ length: size }, (_, i) => (i === 0 || rng.uniform() < 0.7 ? 1 : 0));
  return Tensor.fromArray(m, shape, { dtype });
}

const unary = (name: string, f: (x: Tensor) => Tensor, gen: (r: Rng, d: DType) => Tensor): OpSpec => ({
  name,
  kernels: [name],
  inputs: (r, d) => [gen(r, d)],
  run: ([x]) => f(x),
});

export const opSpecs: OpSpec[] = [
  { name: "add broadcast", kernels: ["add"], inputs: (r, d) => [rand(r, [2, 3, 4], d), rand(r, [3, 1], d)], run: ([a, b]) => add(a, b) },
  { name: "add same shape", kernels: ["add"], inputs: (r, d) => [rand(r, [5, 7], d), rand(r, [5, 7], d)], run: ([a, b]) => add(a, b) },
  { name: "sub broadcast", kernels: ["sub"], inputs: (r, d) => [rand(r, [4, 1], d), rand(r, [2, 1, 5], d)], run: ([a, b]) => sub(a, b) },
  { name: "mul broadcast", kernels: ["mul"], inputs: (r, d) => [rand(r, [2, 3, 4], d), rand(r, [4], d)], run: ([a, b]) => mul(a, b) },
  { name: "mul scalar", kernels: ["mul"], inputs: (r, d) => [rand(r, [3, 4], d)], run: ([a]) => mul(a, 2.5) },
  { name: "div broadcast", kernels: ["div"], inputs: (r, d) => [rand(r, [3, 4], d), rand(r, [3, 1], d, 0.5, 2)], run: ([a, b]) => div(a, b) },
  { name: "maximum", kernels: ["maximum"], inputs: (r, d) => [rand(r, [3, 4], d), rand(r, [4], d)], run: ([a, b]) => maximum(a, b) },
  { name: "minimum", kernels: ["minimum"], inputs: (r, d) => [rand(r, [3, 4], d), rand(r, [3, 4], d)], run: ([a, b]) => minimum(a, b) },
  { name: "pow", kernels: ["pow"], inputs: (r, d) => [rand(r, [6], d, 0.5, 2)], run: ([a]) => pow(a, 3) },
  { name: "neg", kernels: ["neg"], inputs: (r, d) => [rand(r, [6], d)], run: ([a]) => neg(a) },
  unary("exp", exp, (r, d) => rand(r, [3, 5], d)),
  unary("log", log, (r, d) => rand(r, [3, 5], d, 0.2, 3)),
  unary("sqrt", sqrt, (r, d) => rand(r, [3, 5], d, 0.2, 3)),
  unary("abs", abs, (r, d) => randAway(r, [3, 5], d)),
  unary("tanh", tanh, (r, d) => rand(r, [3, 5], d, -3, 3)),
  unary("sigmoid", sigmoid, (r, d) => rand(r, [3, 5], d, -6, 6)),
  unary("relu", relu, (r, d) => randAway(r, [3, 5], d)),
  unary("silu", silu, (r, d) => rand(r, [3, 5], d, -4, 4)),
  unary("softplus", softplus, (r, d) => rand(r, [3, 5], d, -30, 30)),
  { name: "clamp", kernels: ["clamp"], inputs: (r, d) => [randAway(r, [4, 5], d, 0.05)], run: ([x]) => clamp(x, -0.5, 0.7) },
  { name: "where", kernels: ["where"], inputs: (r, d) => [mask(r, [3, 4], d), rand(r, [3, 4], d), rand(r, [4], d)], gradInputs: [1, 2], run: ([c, a, b]) => where(c, a, b) },
  { name: "matmul 2d", kernels: ["matmul"], inputs: (r, d) => [rand(r, [5, 7], d), rand(r, [7, 3], d)], run: ([a, b]) => matmul(a, b) },
  { name: "matmul batched", kernels: ["matmul"], inputs: (r, d) => [rand(r, [2, 3, 4, 5], d), rand(r, [3, 5, 6], d)], run: ([a, b]) => matmul(a, b) },
  { name: "matmul [B,T,d]@[d,n]", kernels: ["matmul"], inputs: (r, d) => [rand(r, [2, 3, 4], d), rand(r, [4, 5], d)], run: ([a, b]) => matmul(a, b) },
  { name: "matmul transA", kernels: ["matmul"], inputs: (r, d) => [rand(r, [2, 7, 5], d), rand(r, [2, 7, 3], d)], run: ([a, b]) => matmul(a, b, { transA: true }) },
  { name: "matmul transB", kernels: ["matmul"], inputs: (r, d) => [rand(r, [2, 5, 7], d), rand(r, [3, 7], d)], run: ([a, b]) => matmul(a, b, { transB: true }) },
  { name: "matmul transA transB", kernels: ["matmul"], inputs: (r, d) => [rand(r, [7, 5], d), rand(r, [2, 3, 7], d)], run: ([a, b]) => matmul(a, b, { transA: true, transB: true }) },
  { name: "sum all", kernels: ["sum"], inputs: (r, d) => [rand(r, [3, 4, 5], d)], run: ([x]) => sum(x) },
  { name: "sum axes keepDims", kernels: ["sum"], inputs: (r, d) => [rand(r, [3, 4, 5], d)], run: ([x]) => sum(x, [0, 2], true) },
  { name: "sum middle axis", kernels: ["sum"], inputs: (r, d) => [rand(r, [3, 4, 5], d)], run: ([x]) => sum(x, 1) },
  { name: "mean axis", kernels: ["sum"], inputs: (r, d) => [rand(r, [3, 4, 5], d)], run: ([x]) => mean(x, -1) },
  { name: "max axis", kernels: ["max"], inputs: (r, d) => [rand(r, [3, 4, 5], d)], run: ([x]) => max(x, 1) },
  { name: "max all", kernels: ["max"], inputs: (r, d) => [rand(r, [3, 4], d)], run: ([x]) => max(x) },
  { name: "broadcastTo", kernels: ["broadcastTo"], inputs: (r, d) => [rand(r, [3, 1], d)], run: ([x]) => broadcastTo(x, [2, 3, 4]) },
  { name: "reshape", inputs: (r, d) => [rand(r, [3, 4], d)], run: ([x]) => mul(reshape(x, [2, -1, 3]), 1.5) },
  { name: "transpose", kernels: ["transpose"], inputs: (r, d) => [rand(r, [2, 3, 4], d)], run: ([x]) => transpose(x, 0, 2) },
  { name: "slice time", kernels: ["slice"], inputs: (r, d) => [rand(r, [2, 6, 3], d)], run: ([x]) => slice(x, 1, 2, 5) },
  { name: "slice batch", kernels: ["slice"], inputs: (r, d) => [rand(r, [4, 3], d)], run: ([x]) => slice(x, 0, -2) },
  { name: "concat", kernels: ["concat"], inputs: (r, d) => [rand(r, [2, 3, 2], d), rand(r, [2, 1, 2], d)], run: ([a, b]) => concat([a, b], 1) },
  { name: "stack", kernels: ["concat"], inputs: (r, d) => [rand(r, [2, 3], d), rand(r, [2, 3], d)], run: ([a, b]) => stack([a, b], 2) },
  { name: "softmax last", kernels: ["softmax"], inputs: (r, d) => [rand(r, [4, 6], d, -3, 3)], run: ([x]) => softmax(x, -1) },
  { name: "softmax middle", kernels: ["softmax"], inputs: (r, d) => [rand(r, [2, 5, 3], d, -3, 3)], run: ([x]) => softmax(x, 1) },
  { name: "logSoftmax last", kernels: ["logSoftmax"], inputs: (r, d) => [rand(r, [4, 6], d, -3, 3)], run: ([x]) => logSoftmax(x, -1) },
  { name: "logSoftmax first", kernels: ["logSoftmax"], inputs: (r, d) => [rand(r, [5, 3], d, -3, 3)], run: ([x]) => logSoftmax(x, 0) },
  { name: "crossEntropy", kernels: ["crossEntropyRows", "crossEntropyRowsGrad"], inputs: (r, d) => [rand(r, [6, 5], d, -3, 3), ints(r, [6], 5)], run: ([z, t]) => crossEntropy(z, t) },
  {
    name: "crossEntropy masked [B,T,C]",
    kernels: ["crossEntropyRows", "crossEntropyRowsGrad"],
    inputs: (r, d) => [rand(r, [2, 3, 4], d, -3, 3), ints(r, [2, 3], 4), mask(r, [2, 3], d)],
    gradInputs: [0],
    run: ([z, t, m]) => crossEntropy(z, t, m),
  },
  { name: "bceWithLogits", kernels: ["softplus"], inputs: (r, d) => [rand(r, [4, 3], d, -4, 4), rand(r, [4, 3], d, 0, 1)], run: ([z, y]) => bceWithLogits(z, y) },
  { name: "bceWithLogits masked", kernels: ["softplus"], inputs: (r, d) => [rand(r, [4, 3], d, -4, 4), rand(r, [4, 3], d, 0, 1), mask(r, [4, 1], d)], gradInputs: [0, 1], run: ([z, y, m]) => bceWithLogits(z, y, m) },
  { name: "mse", kernels: ["sub", "mul", "sum"], inputs: (r, d) => [rand(r, [3, 4], d), rand(r, [3, 4], d)], run: ([a, b]) => mse(a, b) },
  { name: "mse masked", kernels: ["sub", "mul", "sum"], inputs: (r, d) => [rand(r, [3, 4], d), rand(r, [3, 4], d), mask(r, [3, 4], d)], gradInputs: [0, 1], run: ([a, b, m]) => mse(a, b, m) },
  { name: "gather", kernels: ["gather", "scatterAdd"], inputs: (r, d) => [rand(r, [3, 5, 2], d), ints(r, [3, 4, 2], 5)], run: ([x, i]) => gather(x, 1, i) },
  { name: "indexSelect", kernels: ["indexSelect", "indexAdd"], inputs: (r, d) => [rand(r, [3, 5, 2], d), ints(r, [7], 5)], run: ([x, i]) => indexSelect(x, 1, i) },
  { name: "embedding", kernels: ["indexSelect", "indexAdd"], inputs: (r, d) => [rand(r, [6, 3], d), ints(r, [2, 4], 6)], run: ([w, i]) => embedding(w, i) },
  { name: "dropout train", kernels: ["mul"], inputs: (r, d) => [rand(r, [4, 5], d)], run: ([x]) => dropout(x, 0.3, new Rng(7).fork("dropout"), true) },
  { name: "astype float64→float32→float64", kernels: ["cast"], dtypes: ["float64"], inputs: (r, d) => [rand(r, [3], d)], run: ([x]) => astype(mul(astype(x, "float32"), 2), "float64"), fd: { eps: 1e-2, rtol: 1e-4, atol: 1e-5 } },
];
