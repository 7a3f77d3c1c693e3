// Inverted dropout: in training each element is kept with probability 1 − p and scaled by
// 1/(1 − p); the mask comes from the given Rng (use the "dropout" stream). Eval: identity.
import { Tensor } from "../tensor/tensor.js";
import { allocate } from "../tensor/dtype.js";
import type { Rng } from "../rng/rng.js";
import { mul } from "./arithmetic.js";
import { assertTensor, requireFloat } from "./util.js";

export function dropout(x: Tensor, p: number, rng: Rng, training: boolean): Tensor {
  assertTensor("dropout", x);
  requireFloat("dropout", x);
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  const m = allocate(x.dtype, x.size);
  const scale = 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() >= p ? scale : 0;
  return mul(x, new Tensor(m, x.shape, x.device));
}
