// The fused ELM neuron op (docs/CONTRACTS.md §2), dispatched by device:
// "ref" — the TypeScript oracle; "cpu" — the native addon; "cuda" — the CUDA
// addon (throws CudaUnavailableError from @elm/native without a device).
// The *Async variants run the native kernels off the JS thread (ref runs inline).
import {
  nativeElmNeuronBackward, nativeElmNeuronBackwardAsync, nativeElmNeuronForward, nativeElmNeuronForwardAsync,
} from "./native/neuron.js";
import { refElmNeuronBackward, refElmNeuronForward } from "./ref/neuron.js";
import type { ElmNeuronForwardResult, ElmNeuronGrads, ElmNeuronInputs, ElmNeuronShape, Float, KernelDevice } from "./types.js";

function checkDevice(device: unknown): asserts device is KernelDevice {
  if (device !== "ref" && device !== "cpu" && device !== "cuda") {
    throw new RangeError(`elmNeuron: device must be "ref", "cpu" or "cuda", got ${JSON.stringify(device)}`);
  }
}

export function elmNeuronForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: KernelDevice): ElmNeuronForwardResult {
  checkDevice(device);
  return device === "ref" ? refElmNeuronForward(shape, inputs) : nativeElmNeuronForward(shape, inputs, device);
}

export function elmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice,
): ElmNeuronGrads {
  checkDevice(device);
  return device === "ref"
    ? refElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT)
    : nativeElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT, device);
}

export async function elmNeuronForwardAsync(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: KernelDevice): Promise<ElmNeuronForwardResult> {
  checkDevice(device);
  return device === "ref" ? refElmNeuronForward(shape, inputs) : nativeElmNeuronForwardAsync(shape, inputs, device);
}

export async function elmNeuronBackwardAsync(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice,
): Promise<ElmNeuronGrads> {
  checkDevice(device);
  return device === "ref"
    ? refElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT)
    : nativeElmNeuronBackwardAsync(shape, inputs, saved, dM, dTraceT, dMT, device);
}
