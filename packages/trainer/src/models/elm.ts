// Adapter: @elm/model's ElmNeuron (ELM_SPEC §2) and BranchElm (§3) as a
// TrainableModel. Dropout (paper App. B: 0.5 on SHD) acts on the memory m_t
// that the readout y_t = W_y m_t + b_y reads (memoryWithState gives m_t).
import { dropout, type Tensor } from "@elm/core";
import { BranchElm, ElmNeuron, type ElmBase, type ElmConfig } from "@elm/model";
import type { ForwardContext, TrainableModel } from "../model.js";

export class ElmAdapter implements TrainableModel {
  constructor(readonly kind: string, readonly module: ElmBase, readonly dropoutP: number) {}

  namedParameters(): [string, Tensor][] {
    return this.module.namedParameters();
  }

  /**
   * Training: the fused forward kernel runs off the JS thread
   * (memoryWithStateAsync), then dropout on m_t, then the readout.
   * Evaluation: the model's own (synchronous) forward, inside noGrad.
   */
  forward(x: Tensor, ctx: ForwardContext): Tensor | Promise<Tensor> {
    const mod = this.module;
    mod.train(ctx.training);
    if (!ctx.training) return mod.forward(x);
    return mod.memoryWithStateAsync(x, null).then(({ m }) => mod.w_y.forward(this.dropoutP > 0 ? dropout(m, this.dropoutP, ctx.rng, true) : m));
  }

  stateDict(): Record<string, Tensor> {
    return this.module.stateDict();
  }

  loadStateDict(sd: Record<string, Tensor>): void {
    this.module.loadStateDict(sd);
  }

  describe(): Record<string, unknown> {
    return { kind: this.kind, config: this.module.describe() as unknown as Record<string, unknown>, dropout: this.dropoutP };
  }
}

export function makeElm(variant: "elm" | "branch-elm", config: ElmConfig, opts: { seed?: number; dtype: "float32" | "float64"; device: "ref" | "cpu" | "cuda"; dropout: number }): ElmAdapter {
  const mo = { seed: opts.seed, dtype: opts.dtype, device: opts.device };
  const module = variant === "elm" ? new ElmNeuron(config, mo) : new BranchElm(config, mo);
  return new ElmAdapter(variant, module, opts.dropout);
}
