// Gradient-norm clipping, PyTorch's `clip_grad_norm_` (norm_type 2):
//   total = ‖(g_1, …, g_n)‖₂ over every gradient;  c = maxNorm/(total + 1e-6);
//   when c < 1 every gradient is scaled by c.  Returns the norm before clipping.
import type { FloatArray, ParamLike } from "./optim/optimizer.js";

export function gradNorm(params: Iterable<ParamLike>): number {
  let s = 0;
  for (const p of params) {
    if (!p.grad) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) s += g[i] * g[i];
  }
  return Math.sqrt(s);
}

export function clipGradNorm(params: Iterable<ParamLike>, maxNorm: number): number {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const list = [...params];
  const total = gradNorm(list);
  if (!Number.isFinite(total)) return total;
  const coef = maxNorm / (total + 1e-6);
  if (coef < 1) {
    for (const p of list) {
      if (!p.grad) continue;
      const g = p.grad.data as FloatArray;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return total;
}
