// Adapter: @elm/model's ElmNeuron (ELM_SPEC §2) and BranchElm (§3) as a
// TrainableModel. Dropout (paper App. B: 0.5 on SHD) acts on the memory m_t
// that the readout y_t = W_y m_t + b_y reads; @elm/model has no dropout hook,
// so in training the adapter runs the same public pieces as
// ElmBase.forwardWithState (derived(), the fused elmNeuron op, w_y) with the
// dropout in between. In evaluation it calls the model's own forward.
import { dropout, type Tensor } from "@elm/core";
import { BranchElm, ElmNeuron, elmNeuron, type ElmBase, type ElmConfig } from "@elm/model";
import type { ForwardContext, TrainableModel } from "../model.js";

export class ElmAdapter implements TrainableModel {
  constructor(readonly kind: string, readonly module: ElmBase, readonly dropoutP: number) {}

  namedParameters(): [string, Tensor][] {
    return this.module.namedParameters();
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    const mod = this.module;
    mod.train(ctx.training);
    if (!ctx.training || this.dropoutP === 0) return mod.forward(x);
    const c = mod.config;
    const d = mod.derived();
    const s0 = mod.initialState(x.shape[0], x.device);
    const t = mod.routing();
    const r = elmNeuron(
      { x, wS: d.wS, kappaTrace: d.kappaTrace, kappaM: d.kappaM, gain: d.gain, mlpW: mod.mlp.weights, mlpB: mod.mlp.biases, trace0: s0.trace, m0: s0.m },
      {
        shape: {
          variant: c.variant, dIn: c.num_input, dS: c.num_synapse, dTree: c.num_branch, dBrch: c.num_synapse_per_branch,
          dM: c.num_memory, dMlp: c.mlp_hidden_size, lMlp: c.mlp_num_layers, activation: c.mlp_activation,
        },
        route: t ? t.indices : null,
        routeMask: t ? t.mask : null,
      },
    );
    return mod.w_y.forward(dropout(r.m, this.dropoutP, ctx.rng, true));
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
