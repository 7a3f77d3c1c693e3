// SGD with momentum, PyTorch's `torch.optim.SGD` formula:
//   g ← g + wd·p                                   (when wd ≠ 0)
//   b ← g (first step) | μ·b + (1−dampening)·g     (when μ ≠ 0)
//   g ← g + μ·b (nesterov) | b
//   p ← p − lr·g
import { Optimizer, type FloatArray, type NamedParam, type ParamLike } from "./optimizer.js";

export interface SgdOptions {
  lr?: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export class Sgd extends Optimizer {
  readonly kind = "sgd";
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(params: NamedParam[] | Iterable<[string, ParamLike]>, opts: SgdOptions = {}) {
    super(params, opts.lr ?? 1e-3);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.nesterov = opts.nesterov ?? false;
    this.weightDecay = opts.weightDecay ?? 0;
    if (!(this.momentum >= 0)) throw new RangeError(`momentum must be ≥ 0, got ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new RangeError(`weight decay must be ≥ 0, got ${this.weightDecay}`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(`nesterov momentum needs momentum > 0 and dampening = 0, got momentum ${this.momentum}, dampening ${this.dampening}`);
    }
  }

  hyper(): Record<string, number | boolean> {
    return { momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }

  protected update(name: string, p: FloatArray, g: FloatArray | Int32Array, _t: number): void {
    const n = p.length;
    const { momentum: mu, dampening, nesterov, weightDecay: wd, lr } = this;
    const first = mu !== 0 && !this.hasBuffer(name, "momentum_buffer");
    const b = mu !== 0 ? this.buffer(name, "momentum_buffer", n) : null;
    for (let i = 0; i < n; i++) {
      let gi = wd !== 0 ? g[i] + wd * p[i] : g[i];
      if (b) {
        b[i] = first ? gi : mu * b[i] + (1 - dampening) * gi;
        gi = nesterov ? gi + mu * b[i] : b[i];
      }
      p[i] -= lr * gi;
    }
  }
}
