// The Branch-ELM (ELM_SPEC §3; the authors' "ELM v2"): the trace lives on
// branches (τ_b, `tau_b` [d_tree]) and the memory update uses κ_λ.
//   b_t  = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ route(x_t))
//   Δm_t = ctanh(MLP([b_t, κ_m ⊙ m_{t−1}]))
//   m_t  = κ_m ⊙ m_{t−1} + (1−κ_λ) ⊙ Δm_t,   κ_λ = exp(−Δt·λ/max(τ_m,1e-6))
//   y_t  = W_y m_t + b_y
import type { ElmConfig } from "./config/elm_config.js";
import { ElmBase, type ModelOptions } from "./elm_base.js";

export type BranchElmConfig = Omit<ElmConfig, "tau_s_value">;

export class BranchElm extends ElmBase {
  readonly kind = "branch-elm";
  protected readonly traceTauName = "tau_b" as const;

  constructor(config: BranchElmConfig, opts: ModelOptions = {}) {
    super("v2", config, opts);
  }
}
