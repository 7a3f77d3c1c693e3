// What the training loop needs of a model: named parameters, a forward pass
// over a whole sequence, a state dict that round-trips through safetensors,
// and the configuration that rebuilds it. Adapters in `models/` wrap the
// @elm/model classes into this shape.
import type { Rng, Tensor } from "@elm/core";

export interface ForwardContext {
  training: boolean;
  /** The dropout stream (saved in checkpoints). */
  rng: Rng;
}

export interface TrainableModel {
  /** e.g. "elm", "branch-elm", "network", "lstm". */
  readonly kind: string;
  /** Trainable parameters by their dotted names. */
  namedParameters(): [string, Tensor][];
  /** x [B, T, d_in] → outputs [B, T, d_out]. */
  forward(x: Tensor, ctx: ForwardContext): Tensor | Promise<Tensor>;
  /** Every parameter and buffer by name (what a checkpoint stores). */
  stateDict(): Record<string, Tensor>;
  loadStateDict(sd: Record<string, Tensor>): void;
  /** JSON that, with the kind, rebuilds the model (written to config.json). */
  describe(): Record<string, unknown>;
}

export function parameterCount(m: TrainableModel): number {
  let n = 0;
  for (const [, p] of m.namedParameters()) n += p.size;
  return n;
}
