// The ELM neuron (ELM_SPEC §2; the authors' "ELM v1", their Fig. 1), with
// branches: a trace per synapse (τ_s, `tau_s` [d_s]) summed per branch.
//   s_t  = κ_s ⊙ s_{t−1} + w_s ⊙ route(x_t)
//   u_t  = branch_sum(s_t)
//   Δm_t = ctanh(MLP([u_t, κ_m ⊙ m_{t−1}]))
//   m_t  = κ_m ⊙ m_{t−1} + λ·(1−κ_m) ⊙ Δm_t
//   y_t  = W_y m_t + b_y
// The authors' pre-trained NeuronIO models are of this class.
import type { ElmConfig } from "./config/elm_config.js";
import { ElmBase, type ModelOptions } from "./elm_base.js";

export type ElmNeuronConfig = Omit<ElmConfig, "tau_b_value">;

export class ElmNeuron extends ElmBase {
  readonly kind = "elm";
  protected readonly traceTauName = "tau_s" as const;

  constructor(config: ElmNeuronConfig, opts: ModelOptions = {}) {
    super("v1", config, opts);
  }
}
