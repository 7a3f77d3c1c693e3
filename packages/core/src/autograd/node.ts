// One recorded op on the tape: its inputs, outputs and backward function.
import type { Tensor } from "../tensor/tensor.js";

export interface TapeNode {
  name: string;
  inputs: Tensor[];
  /** Shapes/dtypes of the outputs, to materialise zero gradients for unused outputs. */
  outputs: { shape: readonly number[]; dtype: Tensor["dtype"]; device: Tensor["device"] }[];
  /** Given d(loss)/d(output) per output (null: no gradient flowed there), d(loss)/d(input) per input. */
  backward: (gradOutputs: (Tensor | null)[]) => (Tensor | null)[];
}
