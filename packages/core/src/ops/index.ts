// Differentiable ops: thin front-ends that check operands, dispatch to the kernel registry and record the tape.
export { add, sub, mul, div, maximum, minimum, pow, neg, greater, less, equal, where, clamp } from "./arithmetic.js";
export { exp, log, sqrt, abs, tanh, sigmoid, relu, silu, softplus, sign } from "./unary.js";
export { matmul, type MatmulOptions } from "./matmul.js";
export { sum, mean, max, argmax, broadcastTo } from "./reduce.js";
export { reshape, unsqueeze, squeeze, transpose, slice, concat, stack } from "./shape.js";
export { softmax, logSoftmax } from "./softmax.js";
export { crossEntropy, bceWithLogits, mse } from "./losses.js";
export { gather, indexSelect, embedding } from "./indexing.js";
export { dropout } from "./dropout.js";
export { toDevice, astype } from "./convert.js";
export { sumTo } from "./util.js";
