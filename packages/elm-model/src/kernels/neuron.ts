// The fused ELM neuron op (docs/CONTRACTS.md §2), dispatched by device:
// "ref" — the TypeScript oracle; "cpu" — the native addon; "cuda" — the CUDA
// addon (throws CudaUnavailableError without a device).
import { refElmNeuronBackward, refElmNeuronForward } from "./ref/neuron.js";
import type { ElmNeuronForwardResult, ElmNeuronGrads, ElmNeuronInputs, ElmNeuronShape, Float, KernelDevice } from "./types.js";

function badDevice(device: unknown): never {
  throw new RangeError(`elmNeuron: device must be "ref", "cpu" or "cuda", got ${JSON.stringify(device)}`);
}

export function elmNeuronForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: KernelDevice): ElmNeuronForwardResult {
  switch (device) {
    case "ref":
      return refElmNeuronForward(shape, inputs);
    case "cpu":
    case "cuda":
      throw new Error(`elmNeuronForward: device "${device}" is not implemented yet`);
    default:
      return badDevice(device);
  }
}

export function elmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice,
): ElmNeuronGrads {
  switch (device) {
    case "ref":
      return refElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT);
    case "cpu":
    case "cuda":
      throw new Error(`elmNeuronBackward: device "${device}" is not implemented yet`);
    default:
      return badDevice(device);
  }
}
