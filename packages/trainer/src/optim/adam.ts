// Adam (Kingma & Ba 2015) with PyTorch's `torch.optim.Adam` formula
// (single-tensor path, amsgrad=False, maximize=False):
//   g ← g + wd·p                      (L2 weight decay, when wd ≠ 0)
//   m ← m + (1−β1)·(g − m)            (exp_avg.lerp_)
//   v ← β2·v + (1−β2)·g²
//   p ← p − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
import { Optimizer, type FloatArray, type NamedParam, type ParamLike } from "./optimizer.js";

/** Options of the Adam family (Adam, AdamW, Adamax). */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/**
 * What Adam, AdamW and Adamax share: β1, β2, ε and weight decay (defaults
 * 0.9, 0.999, 1e-8, 0), their checks and `hyper()`; each subclass gives its
 * default learning rate and its update.
 */
export abstract class AdamFamily extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  protected constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: AdamOptions, defaultLr: number) {
    super(params, opts.lr ?? defaultLr);
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
}

export class Adam extends AdamFamily {
  readonly kind: string = "adam";

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: AdamOptions = {}) {
    super(params, opts, 1e-3);
  }

  /** L2 term added to the gradient (Adam); AdamW overrides with decoupled decay. */
  protected l2(): number {
    return this.weightDecay;
  }

  protected update(name: string, p: FloatArray, g: FloatArray | Int32Array, t: number): void {
    const n = p.length;
    const m = this.buffer(name, "exp_avg", n);
    const v = this.buffer(name, "exp_avg_sq", n);
    const { beta1, beta2, eps, lr } = this;
    const wd = this.l2();
    const bc1 = 1 - beta1 ** t;
    const bc2Sqrt = Math.sqrt(1 - beta2 ** t);
    const stepSize = lr / bc1;
    for (let i = 0; i < n; i++) {
      const gi = wd !== 0 ? g[i] + wd * p[i] : g[i];
      m[i] += (1 - beta1) * (gi - m[i]);
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + eps);
    }
  }
}

export function checkBetas(beta1: number, beta2: number): void {
  if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`beta1 must be in [0, 1), got ${beta1}`);
  if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`beta2 must be in [0, 1), got ${beta2}`);
}
