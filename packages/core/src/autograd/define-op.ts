// Custom ops: a forward and a hand-written backward, recorded as ONE node on the tape
// (the fused ELM op is one). Forward runs without recording; backward runs under noGrad.
import type { Tensor } from "../tensor/tensor.js";
import { Tensor as TensorClass } from "../tensor/tensor.js";
import { noGrad } from "./grad-mode.js";
import { record } from "./tape.js";

export interface CustomOp<Attrs, Saved> {
  name: string;
  forward(inputs: Tensor[], attrs: Attrs): { outputs: Tensor[]; saved: Saved };
  backward(gradOutputs: (Tensor | null)[], saved: Saved, inputs: Tensor[], attrs: Attrs): (Tensor | null)[];
}

export function defineOp<Attrs, Saved>(op: CustomOp<Attrs, Saved>): (inputs: Tensor[], attrs: Attrs) => Tensor[] {
  if (!op || typeof op.name !== "string" || typeof op.forward !== "function" || typeof op.backward !== "function") {
    throw new TypeError("defineOp: needs { name, forward, backward }");
  }
  return (inputs: Tensor[], attrs: Attrs): Tensor[] => {
    if (!Array.isArray(inputs)) throw new TypeError(`${op.name}: inputs must be an array of Tensors`);
    inputs.forEach((t, i) => {
      if (!(t instanceof TensorClass)) throw new TypeError(`${op.name}: input ${i} is not a Tensor`);
    });
    const res = noGrad(() => op.forward(inputs, attrs));
    if (!res || !Array.isArray(res.outputs) || res.outputs.some((o) => !(o instanceof TensorClass))) {
      throw new TypeError(`${op.name}: forward must return { outputs: Tensor[], saved }`);
    }
    // outputs must be fresh tensors (not inputs) so the tape can own them
    const outputs = res.outputs.map((o) => (inputs.includes(o) || o._node ? new TensorClass(o.data, o.shape, o.device) : o));
    record(op.name, inputs, outputs, (gs) => op.backward(gs, res.saved, inputs, attrs));
    return outputs;
  };
}
