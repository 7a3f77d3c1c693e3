// The fused ELM neuron on the native addons: allocates the outputs, the saved
// state and the gradients in the call's dtype, and hands them to elm_cpu.node
// or elm_cuda.node (sync, or off the JS thread with the async variants).
import { elmNeuronCpu, elmNeuronCuda, type ElmNeuronNativeKernels } from "@elm/native";
import { dropInputGrad, kernelAllocator } from "../backwardSupport.js";
import { allocSaved, beginSavedUse, checkSaved, takeRecycledSaved } from "../saved.js";
import type { ElmNeuronForwardResult, ElmNeuronGrads, ElmNeuronGradsMaybeInput, ElmNeuronInputs, ElmNeuronShape, Float } from "../types.js";
import { traceSize, validateNeuron, validateNeuronGradOutputs, type FloatDType } from "../validate.js";

export type NativeDevice = "cpu" | "cuda";

function kernels(device: NativeDevice): ElmNeuronNativeKernels {
  return device === "cpu" ? elmNeuronCpu() : elmNeuronCuda();
}

function prepareForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: NativeDevice) {
  const dtype = validateNeuron(shape, inputs);
  const F = dtype === "float64" ? Float64Array : Float32Array;
  const reuse = takeRecycledSaved(shape, dtype, device);
  const saved = allocSaved(shape, dtype, device, kernelAllocator(dtype === "float64", device), reuse);
  const traceT = new F(shape.B * traceSize(shape));
  const mT = new F(shape.B * shape.dM);
  const { trace, z, pre, post, deltaM, m } = saved;
  const buffers = { trace, z, pre, post, deltaM, m };
  const result: ElmNeuronForwardResult = { m, traceT, mT, saved };
  return { buffers, traceT, mT, result };
}

function allocGrads(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, dtype: FloatDType, inputGrad: boolean, device: NativeDevice,
): ElmNeuronGradsMaybeInput {
  const A = kernelAllocator(dtype === "float64", device);
  const dTr = traceSize(shape);
  return {
    dx: inputGrad ? A(inputs.x.length) : null, dWS: A(shape.dS), dKappaTrace: A(dTr), dKappaM: A(shape.dM), dGain: A(shape.dM),
    dMlpW: inputs.mlpW.map((w) => A(w.length)), dMlpB: inputs.mlpB.map((b) => A(b.length)),
    dTrace0: A(shape.B * dTr), dM0: A(shape.B * shape.dM),
  };
}

// Without inputGrad the CPU kernel gets dx = null and skips it; the CUDA kernel
// always computes it (into a buffer dropped here). recycle: options.recycleSaved
// (end(ok) when the kernel has run; see beginSavedUse).
function prepareBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown, dM: Float, dTraceT: Float | null, dMT: Float | null,
  device: NativeDevice, inputGrad: boolean, recycle: boolean,
) {
  const dtype = validateNeuron(shape, inputs);
  validateNeuronGradOutputs(shape, dtype, dM, dTraceT, dMT);
  const sv = checkSaved(saved, shape, dtype);
  const { trace, z, pre, post, deltaM, m } = sv;
  const grads: ElmNeuronGradsMaybeInput = allocGrads(shape, inputs, dtype, inputGrad || device === "cuda", device);
  const result = (): ElmNeuronGradsMaybeInput => dropInputGrad(grads, inputGrad);
  const end = beginSavedUse(sv, recycle);
  return { buffers: { trace, z, pre, post, deltaM, m }, grads, result, end };
}

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

function nativeInputs(inputs: ElmNeuronInputs): ElmNeuronInputs {
  // the addon reads these fields by name; null (not undefined) marks an absent one
  return { ...inputs, route: orNull(inputs.route), routeMask: orNull(inputs.routeMask), trace0: orNull(inputs.trace0), m0: orNull(inputs.m0) };
}

export function nativeElmNeuronForward(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: NativeDevice): ElmNeuronForwardResult {
  const k = kernels(device);
  const p = prepareForward(shape, inputs, device);
  k.elmNeuronForward(shape, nativeInputs(inputs), p.buffers, p.traceT, p.mT);
  return p.result;
}

export async function nativeElmNeuronForwardAsync(shape: ElmNeuronShape, inputs: ElmNeuronInputs, device: NativeDevice): Promise<ElmNeuronForwardResult> {
  const k = kernels(device);
  const p = prepareForward(shape, inputs, device);
  await k.elmNeuronForwardAsync(shape, nativeInputs(inputs), p.buffers, p.traceT, p.mT);
  return p.result;
}

export function nativeElmNeuronBackward(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown, dM: Float, dTraceT: Float | null, dMT: Float | null, device: NativeDevice,
  inputGrad = true, recycle = false,
): ElmNeuronGradsMaybeInput {
  const k = kernels(device);
  const p = prepareBackward(shape, inputs, saved, dM, dTraceT, dMT, device, inputGrad, recycle);
  let ok = false;
  try {
    k.elmNeuronBackward(shape, nativeInputs(inputs), p.buffers, dM, orNull(dTraceT), orNull(dMT), p.grads);
    ok = true;
  } finally {
    p.end(ok);
  }
  return p.result();
}

export async function nativeElmNeuronBackwardAsync(
  shape: ElmNeuronShape, inputs: ElmNeuronInputs, saved: unknown, dM: Float, dTraceT: Float | null, dMT: Float | null, device: NativeDevice,
  inputGrad = true, recycle = false,
): Promise<ElmNeuronGradsMaybeInput> {
  const k = kernels(device);
  const p = prepareBackward(shape, inputs, saved, dM, dTraceT, dMT, device, inputGrad, recycle);
  let ok = false;
  try {
    await k.elmNeuronBackwardAsync(shape, nativeInputs(inputs), p.buffers, dM, orNull(dTraceT), orNull(dMT), p.grads);
    ok = true;
  } finally {
    p.end(ok);
  }
  return p.result();
}
