// Types of the fused ELM neuron kernels (docs/CONTRACTS.md §2): typed arrays
// in and out, no Tensor. The kernels see derived quantities (w_s already
// relu'd, κ's and gain already computed); the model owns the chain rule back
// to the raw parameters.

/** All float arrays of one call share this type. */
export type Float = Float32Array | Float64Array;

/** Where a kernel runs: the TypeScript oracle, the native CPU addon, or CUDA. */
export type KernelDevice = "ref" | "cpu" | "cuda";

export type ElmVariant = "v1" | "v2";
export type MlpActivation = "relu" | "silu";

export interface ElmNeuronShape {
  /** v1 (ELM_SPEC §2): trace per synapse (κ_s, size dS), then branch_sum; v2 (§3): branch_sum, then trace per branch (κ_b, size dTree). */
  variant: ElmVariant;
  B: number;
  T: number;
  dIn: number;
  /** dS = dTree·dBrch; synapse j is on branch ⌊j/dBrch⌋. */
  dS: number;
  dTree: number;
  dBrch: number;
  dM: number;
  /** MLP: lMlp hidden layers of width dMlp, then a linear layer to dM. */
  dMlp: number;
  lMlp: number;
  activation: MlpActivation;
}

export interface ElmNeuronInputs {
  /** [B,T,dIn] */
  x: Float;
  /** [dS] input index per synapse; null = identity (dS = dIn). */
  route: Int32Array | null;
  /** [dS] 0/1 validity (neuronio routing); null = all ones. */
  routeMask: Float | null;
  /** [dS] synapse weights (already relu'd). */
  wS: Float;
  /** [dS] (v1, κ_s) or [dTree] (v2, κ_b). */
  kappaTrace: Float;
  /** [dM] */
  kappaM: Float;
  /** [dM]: λ(1−κ_m) for v1, 1−κ_λ for v2. */
  gain: Float;
  /** lMlp+1 layers, PyTorch layout [out,in]; layer 0 has in = dTree + dM. */
  mlpW: Float[];
  /** lMlp+1 biases [out]. */
  mlpB: Float[];
  /** [B, dS (v1) or dTree (v2)] initial trace; null = 0. */
  trace0: Float | null;
  /** [B, dM] initial memory; null = 0. */
  m0: Float | null;
}

export interface ElmNeuronForwardResult {
  /** Memory sequence m_t, [B,T,dM]. */
  m: Float;
  /** Final trace, [B, dS (v1) or dTree (v2)]. */
  traceT: Float;
  /** Final memory, [B,dM]. */
  mT: Float;
  /** What BPTT needs; opaque, pass it to elmNeuronBackward on the same device. */
  saved: unknown;
}

export interface ElmNeuronGrads {
  dx: Float;
  dWS: Float;
  dKappaTrace: Float;
  dKappaM: Float;
  dGain: Float;
  dMlpW: Float[];
  dMlpB: Float[];
  /** [B, dS or dTree]; zeros when trace0 was null. */
  dTrace0: Float;
  /** [B, dM]; zeros when m0 was null. */
  dM0: Float;
}

export interface ElmNeuronBackwardOptions {
  /**
   * Compute dL/dx (default true). false, when x is data that needs no
   * gradient: the native CPU kernel skips the input gradient (a third of its
   * synapse work) and the result's dx is null.
   */
  inputGrad?: boolean;
  /**
   * This backward is the last use of `saved` (default false): a later backward
   * with it is refused, and the next CPU forward of the same shape and dtype
   * reuses its arrays (all but m, the forward's output) instead of paging in
   * fresh ones — tens of MB per step at SHD sizes. The autograd op sets it.
   */
  recycleSaved?: boolean;
}

/** elmNeuronBackward's result when options are given: dx is null unless options.inputGrad is true (the default). */
export type ElmNeuronGradsMaybeInput = Omit<ElmNeuronGrads, "dx"> & { dx: Float | null };
