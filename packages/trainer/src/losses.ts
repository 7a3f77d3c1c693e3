// Task losses on model outputs [B, T, d_out] (ELM_SPEC §4, §6):
//   classification (SHD, SHD-Adding): cross-entropy of the last step's output o_T;
//   language modelling (Enwik8): cross-entropy at every step, reported in bits per character;
//   NeuronIO: BCE on the spike logit + w·MSE on the soma output, both after a burn-in.
import { Tensor, add, bceWithLogits, crossEntropy, mse, mul, reshape, slice } from "@elm/core";

/** o_T: the last time step of [B, T, C] as [B, C]. */
export function lastStep(out: Tensor): Tensor {
  if (out.ndim !== 3) throw new Error(`lastStep: expected model output [B, T, C], got shape [${out.shape.join(", ")}]`);
  const [B, T, C] = out.shape;
  return reshape(slice(out, 1, T - 1, T), [B, C]);
}

/** Cross-entropy of the last output against class ids [B]. Returns the loss and the [B, C] logits. */
export function lastStepCrossEntropy(out: Tensor, targets: Int32Array): { loss: Tensor; logits: Tensor } {
  const logits = lastStep(out);
  if (targets.length !== logits.shape[0]) throw new Error(`lastStepCrossEntropy: ${targets.length} targets for a batch of ${logits.shape[0]}`);
  const t = Tensor.fromArray(targets, [targets.length], { dtype: "int32", device: out.device });
  return { loss: crossEntropy(logits, t), logits };
}

/** Per-step cross-entropy of [B, T, V] against next-symbol ids [B, T] (mean over B·T, nats). */
export function perStepCrossEntropy(out: Tensor, targets: Int32Array): Tensor {
  if (out.ndim !== 3) throw new Error(`perStepCrossEntropy: expected [B, T, V], got [${out.shape.join(", ")}]`);
  const [B, T] = out.shape;
  if (targets.length !== B * T) throw new Error(`perStepCrossEntropy: expected ${B * T} targets ([${B}, ${T}]), got ${targets.length}`);
  return crossEntropy(out, Tensor.fromArray(targets, [B, T], { dtype: "int32", device: out.device }));
}

export interface NeuronIoTargets {
  /** [B, T] 0/1 spikes. */
  spike: Float32Array | Float64Array;
  /** [B, T] soma target (already scaled as the model predicts it). */
  soma: Float32Array | Float64Array;
}

/**
 * NeuronIO loss (ELM_SPEC §6): output channel 0 is the spike logit, channel 1
 * the soma; steps t < burnIn are not scored.
 *   L = BCE(spike_logit[:, burnIn:], spike[:, burnIn:]) + somaWeight·MSE(soma[:, burnIn:], target[:, burnIn:])
 */
export function neuronIoLoss(out: Tensor, y: NeuronIoTargets, burnIn: number, somaWeight: number): { loss: Tensor; spikeLogit: Tensor; soma: Tensor } {
  if (out.ndim !== 3 || out.shape[2] < 2) throw new Error(`neuronIoLoss: expected output [B, T, ≥2], got [${out.shape.join(", ")}]`);
  const [B, T] = out.shape;
  if (!(Number.isInteger(burnIn) && burnIn >= 0 && burnIn < T)) throw new RangeError(`neuronIoLoss: burn-in must be an integer in [0, ${T}), got ${burnIn}`);
  if (y.spike.length !== B * T || y.soma.length !== B * T) throw new Error(`neuronIoLoss: targets must have ${B}×${T} values, got ${y.spike.length} spikes and ${y.soma.length} soma`);
  const Tk = T - burnIn;
  const kept = slice(out, 1, burnIn, T);
  const spikeLogit = reshape(slice(kept, 2, 0, 1), [B, Tk]);
  const soma = reshape(slice(kept, 2, 1, 2), [B, Tk]);
  const cut = (a: Float32Array | Float64Array) => {
    const o = new Float64Array(B * Tk);
    for (let b = 0; b < B; b++) for (let t = 0; t < Tk; t++) o[b * Tk + t] = a[b * T + burnIn + t];
    return Tensor.fromArray(o, [B, Tk], { dtype: out.dtype, device: out.device });
  };
  const loss = add(bceWithLogits(spikeLogit, cut(y.spike)), mul(mse(soma, cut(y.soma)), somaWeight));
  return { loss, spikeLogit, soma };
}
