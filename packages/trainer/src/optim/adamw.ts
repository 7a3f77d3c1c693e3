// AdamW (Loshchilov & Hutter 2019), PyTorch's `torch.optim.AdamW` formula:
// decoupled decay p ← p·(1 − lr·wd) before the Adam update (no L2 term in g).
// Default weight decay 1e-2 as in PyTorch.
import { Adam, type AdamOptions } from "./adam.js";
import type { FloatArray, NamedParam, ParamLike } from "./optimizer.js";

export class AdamW extends Adam {
  override readonly kind: string = "adamw";

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: AdamOptions = {}) {
    super(params, { ...opts, weightDecay: opts.weightDecay ?? 1e-2 });
  }

  protected override l2(): number {
    return 0;
  }

  protected override update(name: string, p: FloatArray, g: FloatArray | Int32Array, t: number): void {
    if (this.weightDecay !== 0) {
      const f = 1 - this.lr * this.weightDecay;
      for (let i = 0; i < p.length; i++) p[i] *= f;
    }
    super.update(name, p, g, t);
  }
}
