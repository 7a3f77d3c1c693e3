// Adamax (Kingma & Ba 2015, §7.1), PyTorch's `torch.optim.Adamax` formula:
//   g ← g + wd·p                      (when wd ≠ 0)
//   m ← m + (1−β1)·(g − m)
//   u ← max(β2·u, |g| + ε)
//   p ← p − lr/(1−β1^t) · m / u
// The paper trains SHD and SHD-Adding with Adamax, lr 5e-3 (ELM_SPEC §6).
import { AdamFamily, type AdamOptions } from "./adam.js";
import type { FloatArray, NamedParam, ParamLike } from "./optimizer.js";

export type AdamaxOptions = AdamOptions;

export class Adamax extends AdamFamily {
  readonly kind = "adamax";

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: AdamaxOptions = {}) {
    super(params, opts, 2e-3);
  }

  protected update(name: string, p: FloatArray, g: FloatArray | Int32Array, t: number): void {
    const n = p.length;
    const m = this.buffer(name, "exp_avg", n);
    const u = this.buffer(name, "exp_inf", n);
    const { beta1, beta2, eps, weightDecay: wd } = this;
    const clr = this.lr / (1 - beta1 ** t);
    for (let i = 0; i < n; i++) {
      const gi = wd !== 0 ? g[i] + wd * p[i] : g[i];
      m[i] += (1 - beta1) * (gi - m[i]);
      u[i] = Math.max(beta2 * u[i], Math.abs(gi) + eps);
      p[i] -= (clr * m[i]) / u[i];
    }
  }
}
