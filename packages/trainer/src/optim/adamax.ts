// Adamax (Kingma & Ba 2015, §7.1), PyTorch's `torch.optim.Adamax` formula:
//   g ← g + wd·p                      (when wd ≠ 0)
//   m ← m + (1−β1)·(g − m)
//   u ← max(β2·u, |g| + ε)
//   p ← p − lr/(1−β1^t) · m / u
// The paper trains SHD and SHD-Adding with Adamax, lr 5e-3 (ELM_SPEC §6).
import { checkBetas } from "./adam.js";
import { Optimizer, type FloatArray, type NamedParam, type ParamLike } from "./optimizer.js";

export interface AdamaxOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

export class Adamax extends Optimizer {
  readonly kind = "adamax";
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: AdamaxOptions = {}) {
    super(params, opts.lr ?? 2e-3);
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    checkBetas(this.beta1, this.beta2);
    if (!(this.eps >= 0)) throw new RangeError(`eps must be ≥ 0, got ${this.eps}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`weight decay must be ≥ 0, got ${this.weightDecay}`);
  }

  hyper(): Record<string, number | boolean> {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay };
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
