// Initialisation as the authors' reference (ELM_SPEC §2–§4).
import { Tensor, type DType, type Device, type Rng } from "@elm/core";

export interface InitOptions {
  dtype: DType;
  device: Device;
}

/** Values uniform on [−bound, bound). */
export function uniformValues(n: number, bound: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * rng.uniform() - 1) * bound;
  return a;
}

/** PyTorch nn.Linear: weight and bias uniform ±1/√fan_in (ELM_SPEC §3). `stack` > 0 prepends a per-neuron axis. */
export function linearInit(out: number, fanIn: number, rng: Rng, opts: InitOptions, stack = 0): { weight: Tensor; bias: Tensor } {
  const bound = 1 / Math.sqrt(fanIn);
  const lead = stack > 0 ? [stack] : [];
  const s = Math.max(stack, 1);
  const weight = Tensor.fromArray(uniformValues(s * out * fanIn, bound, rng), [...lead, out, fanIn], opts);
  const bias = Tensor.fromArray(uniformValues(s * out, bound, rng), [...lead, out], opts);
  return { weight, bias };
}

/** σ_[lo,hi](p) = lo + (hi−lo)·sigmoid(p) (ELM_SPEC notation). */
export function scaledSigmoid(p: number, lo: number, hi: number): number {
  return lo + (hi - lo) / (1 + Math.exp(-p));
}

/** Inverse of σ_[lo,hi], with the argument clamped to [lo+1e-6, hi−1e-6] as the authors do. */
export function inverseScaledSigmoid(x: number, lo: number, hi: number): number {
  const c = Math.min(Math.max(x, lo + 1e-6), hi - 1e-6);
  return Math.log((c - lo) / (hi - c));
}

/** τ_m log-spaced on [τmin+1e-6, τmax−1e-6] (torch.logspace: one value gives the start). */
export function logSpacedTauM(numMemory: number, tauMin: number, tauMax: number): Float64Array {
  const a = Math.log10(tauMin + 1e-6);
  const b = Math.log10(tauMax - 1e-6);
  const out = new Float64Array(numMemory);
  for (let i = 0; i < numMemory; i++) {
    const f = numMemory === 1 ? 0 : i / (numMemory - 1);
    out[i] = 10 ** (a + (b - a) * f);
  }
  return out;
}

/** `_proto_tau_m` such that σ_[τmin,τmax](_proto_tau_m) is log-spaced (ELM_SPEC §2). */
export function protoTauMInit(numMemory: number, tauMin: number, tauMax: number): Float64Array {
  return logSpacedTauM(numMemory, tauMin, tauMax).map((t) => inverseScaledSigmoid(t, tauMin, tauMax));
}
