// The fused ELM neuron op (docs/CONTRACTS.md §2), dispatched by device:
// "ref" — the TypeScript oracle; "cpu" — the native addon; "cuda" — the CUDA
// addon (throws CudaUnavailableError from @elm/native without a device).
// The *Async variants run the native kernels off the JS thread (ref runs inline).
import {
  nativeElmNeuronBackward, nativeElmNeuronBackwardAsync, nativeElmNeuronForward, nativeElmNeuronForwardAsync,
} from "./native/neuron.js";
import { checkFitsInMemory, dropInputGrad, inputGradOf, recycleSavedOf, withKernelMemory } from "./backwardSupport.js";
import { refElmNeuronBackward, refElmNeuronForward } from "./ref/neuron.js";
import { beginSavedUse, type NeuronSaved } from "./saved.js";
import type {
  ElmNeuronBackwardOptions, ElmNeuronForwardResult, ElmNeuronGrads, ElmNeuronGradsMaybeInput, ElmNeuronInputs, ElmNeuronShape, Float, KernelDevice,
} from "./types.js";

function checkDevice(device: unknown): asserts device is KernelDevice {
  if (device !== "ref" && device !== "cpu" && device !== "cuda") {
    throw new RangeError(`elmNeuron: device must be "ref", "cpu" or "cuda", got ${JSON.stringify(device)}`);
  }
}

export function elmNeuronForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: KernelDevice): ElmNeuronForwardResult {
  checkDevice(device);
  checkForwardMemory("elmNeuronForward", shape, inputs);
  return withKernelMemory(() => (device === "ref" ? refElmNeuronForward(shape, inputs) : nativeElmNeuronForward(shape, inputs, device)));
}

/**
 * Refuses a forward whose saved arrays (saved.ts allocSaved: trace, z, pre, post, Δm,
 * m) exceed the machine's memory (checkFitsInMemory).
 */
function checkForwardMemory(fn: string, shape: ElmNeuronShape, inputs: ElmNeuronInputs): void {
  const bpe = inputs?.x instanceof Float64Array ? 8 : 4;
  const dTr = shape?.variant === "v1" ? shape.dS : shape?.dTree;
  const nH = shape?.lMlp * shape?.dMlp;
  checkFitsInMemory(shape?.B * shape?.T * (dTr + shape?.dTree + 3 * shape?.dM + 2 * nH) * bpe, fn);
}

// The oracle's backward, honouring options.recycleSaved as the native devices do.
function refBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown, dM: Float, dTraceT: Float | null, dMT: Float | null,
  inputGrad: boolean, recycle: boolean,
): ElmNeuronGradsMaybeInput {
  const g = refElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT);  // (checks `saved`)
  if (recycle) beginSavedUse(saved as NeuronSaved, true)(true);
  return dropInputGrad(g, inputGrad);
}

/**
 * BPTT over the whole sequence. With options.inputGrad false, dx is null (and
 * the native CPU kernel does not compute it). With options.recycleSaved the
 * caller promises not to use `saved` again (a later backward with it is
 * refused): the next CPU forward of the same shape reuses its arrays instead of
 * paging in fresh ones (the autograd op does this; m, the output, is not reused).
 */
export function elmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice,
): ElmNeuronGrads;
export function elmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice, options: ElmNeuronBackwardOptions,
): ElmNeuronGradsMaybeInput;
export function elmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice, options?: ElmNeuronBackwardOptions,
): ElmNeuronGradsMaybeInput {
  checkDevice(device);
  const inputGrad = inputGradOf("elmNeuronBackward", options);
  const recycle = recycleSavedOf("elmNeuronBackward", options);
  return device === "ref"
    ? refBackward(shape, inputs, saved, dM, dTraceT, dMT, inputGrad, recycle)
    : nativeElmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT, device, inputGrad, recycle);
}

export async function elmNeuronForwardAsync(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: KernelDevice): Promise<ElmNeuronForwardResult> {
  checkDevice(device);
  checkForwardMemory("elmNeuronForwardAsync", shape, inputs);
  return device === "ref" ? withKernelMemory(() => refElmNeuronForward(shape, inputs)) : nativeElmNeuronForwardAsync(shape, inputs, device);
}

export async function elmNeuronBackwardAsync(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice,
): Promise<ElmNeuronGrads>;
export async function elmNeuronBackwardAsync(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice, options: ElmNeuronBackwardOptions,
): Promise<ElmNeuronGradsMaybeInput>;
export async function elmNeuronBackwardAsync(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown,
  dM: Float, dTraceT: Float | null, dMT: Float | null, device: KernelDevice, options?: ElmNeuronBackwardOptions,
): Promise<ElmNeuronGradsMaybeInput> {
  checkDevice(device);
  const inputGrad = inputGradOf("elmNeuronBackwardAsync", options);
  const recycle = recycleSavedOf("elmNeuronBackwardAsync", options);
  return device === "ref"
    ? refBackward(shape, inputs, saved, dM, dTraceT, dMT, inputGrad, recycle)
    : nativeElmNeuronBackwardAsync(shape, inputs, saved, dM, dTraceT, dMT, device, inputGrad, recycle);
}
