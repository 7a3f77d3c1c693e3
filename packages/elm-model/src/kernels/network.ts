// The fused ELM Network kernel (docs/CONTRACTS.md §2, ELM_SPEC §4) on typed arrays,
// dispatched to a device: "ref" (the TypeScript oracle, ref/network.ts), "cpu"
// (elm_cpu.node) or "cuda" (elm_cuda.node; a CudaUnavailableError naming the
// reason when no device can be used). One call per sequence: forward keeps what
// BPTT needs in `saved`; backward returns the gradient of every float input.
import { elmNetworkCpu, elmNetworkCuda, type ElmNetworkKernels } from "@elm/native";
import { checkFitsInMemory, dropInputGrad, inputGradOf, kernelAllocator, withKernelMemory } from "./backwardSupport.js";
import { BufferPool } from "./bufferPool.js";
import {
  mlpLayerDims,
  synapsesPerNeuron,
  validateNetworkGradOutputs,
  validateNetworkInputs,
  type ElmNetworkBackwardOptions,
  type ElmNetworkForwardResult,
  type ElmNetworkGrads,
  type ElmNetworkGradsMaybeInput,
  type ElmNetworkInputs,
  type ElmNetworkShape,
  type Float,
  type KernelDevice,
} from "./networkShape.js";
import { elmNetworkBackwardRef, elmNetworkForwardRef } from "./ref/network.js";

export * from "./networkShape.js";
export { elmNetworkBackwardRef, elmNetworkForwardRef } from "./ref/network.js";

/** What a native forward keeps for its backward. */
interface NativeNetworkSaved {
  kind: "native-network";
  device: "cpu" | "cuda";
  /** [elmNetworkSavedLength(shape)]: b_t, m_t, MLP pre/post-activations, Δm per step. */
  buffer: Float;
  /** [B,T,N·dAxon] a private copy of y (z_t reads y_{t−1}); pooled with buffer. */
  y: Float;
  f64: boolean;
  shapeKey: string;
  /** Set once a backward has used it: the buffer went back to the pool. */
  consumed: boolean;
}

// The saved buffer is large (B·T·N·(dTree + 2·dM + 2·lMlp·dMlp) floats) and a fresh
// one is paged in on every forward; a backward hands it (and the private copy of y)
// back here and the next forward of the same shape reuses them (one pair per
// shape, dtype and device).
const savedPool = new BufferPool<{ buffer: Float; y: Float }>();
const poolKey = (device: string, key: string, f64: boolean) => `${device}|${key}|${f64 ? "f64" : "f32"}`;

function takeSaved(device: "cpu" | "cuda", key: string, like: Float, n: number, nY: number): { buffer: Float; y: Float } {
  const got = savedPool.take(poolKey(device, key, like instanceof Float64Array));
  if (got && got.buffer.length === n && got.y.length === nY) return got;
  const A = kernelAllocator(like instanceof Float64Array, device);
  return { buffer: A(n), y: A(nY) };
}

function releaseSaved(saved: NativeNetworkSaved): void {
  saved.consumed = true;
  savedPool.put(poolKey(saved.device, saved.shapeKey, saved.f64), { buffer: saved.buffer, y: saved.y });
}

const shapeKey = (s: ElmNetworkShape): string =>
  [s.B, s.T, s.dIn, s.N, s.dTree, s.dBrch, s.dM, s.dMlp, s.lMlp, s.dAxon, s.activation].join(",");

function kernels(device: "cpu" | "cuda"): ElmNetworkKernels {
  return device === "cpu" ? elmNetworkCpu() : elmNetworkCuda();
}

function checkDevice(fn: string, device: unknown): asserts device is KernelDevice {
  if (device !== "ref" && device !== "cpu" && device !== "cuda") {
    throw new RangeError(`${fn}: device must be "ref", "cpu" or "cuda", got ${JSON.stringify(device)}`);
  }
}

function nativeInputs(inp: ElmNetworkInputs) {
  return [
    inp.x, inp.src, inp.w, inp.kappaB, inp.kappaM, inp.gain, inp.mlpW, inp.mlpB, inp.wY, inp.bY,
    inp.b0 ?? null, inp.m0 ?? null, inp.y0 ?? null,
  ] as const;
}

function prepareForward(shape: ElmNetworkShape, inp: ElmNetworkInputs, device: "cpu" | "cuda") {
  validateNetworkInputs("elmNetworkForward", shape, inp);
  const k = kernels(device);
  const { B, T, N, dTree, dM, dAxon } = shape;
  const like = inp.x;
  const A = kernelAllocator(like instanceof Float64Array, device);
  const y = A(B * T * N * dAxon);
  const bT = A(B * N * dTree);
  const mT = A(B * N * dM);
  const yT = A(B * N * dAxon);
  const { buffer, y: yCopy } = takeSaved(device, shapeKey(shape), like, k.elmNetworkSavedLength(shape), y.length);
  const finish = (): ElmNetworkForwardResult => {
    yCopy.set(y);
    const saved: NativeNetworkSaved = {
      kind: "native-network", device, buffer, y: yCopy, f64: like instanceof Float64Array, shapeKey: shapeKey(shape),
      consumed: false,
    };
    return { y, bT, mT, yT, saved };
  };
  return { k, args: [...nativeInputs(inp), y, bT, mT, yT, buffer] as const, finish };
}

function prepareBackward(
  shape: ElmNetworkShape,
  inp: ElmNetworkInputs,
  savedIn: unknown,
  dY: Float,
  dBT: Float | null,
  dMT: Float | null,
  dYT: Float | null,
  device: "cpu" | "cuda",
  inputGrad: boolean,
) {
  const fn = "elmNetworkBackward";
  validateNetworkInputs(fn, shape, inp);
  const f64 = inp.x instanceof Float64Array;
  validateNetworkGradOutputs(fn, shape, f64, dY, dBT, dMT, dYT);
  const saved = savedIn as NativeNetworkSaved;
  if (!saved || saved.kind !== "native-network" || saved.device !== device) {
    throw new TypeError(`${fn}: 'saved' must come from elmNetworkForward on device "${device}"`);
  }
  if (saved.consumed) {
    throw new Error(`${fn}: this 'saved' was already used by a backward pass (its buffer is recycled); run elmNetworkForward again`);
  }
  if (saved.shapeKey !== shapeKey(shape) || saved.f64 !== f64) {
    throw new RangeError(`${fn}: 'saved' was made for shape ${saved.shapeKey} (${saved.f64 ? "float64" : "float32"}), got ${shapeKey(shape)} (${f64 ? "float64" : "float32"})`);
  }
  const k = kernels(device);
  const { B, T, dIn, N, dTree, dM, dAxon } = shape;
  const A = kernelAllocator(inp.x instanceof Float64Array, device);
  const dims = mlpLayerDims(shape);
  // without inputGrad the CPU kernel gets dx = null and skips it; the CUDA kernel
  // always stores it (into a buffer dropped here)
  const dx = inputGrad || device === "cuda" ? A(B * T * dIn) : null;
  const g: ElmNetworkGradsMaybeInput = {
    dx,
    dW: A(N * synapsesPerNeuron(shape)),
    dKappaB: A(N * dTree),
    dKappaM: A(N * dM),
    dGain: A(N * dM),
    dMlpW: dims.map((d) => A(N * d.out * d.in)),
    dMlpB: dims.map((d) => A(N * d.out)),
    dWY: A(N * dAxon * dM),
    dBY: A(N * dAxon),
    dB0: A(B * N * dTree),
    dM0: A(B * N * dM),
    dY0: A(B * N * dAxon),
  };
  const args = [
    ...nativeInputs(inp), saved.buffer, saved.y, dY, dBT ?? null, dMT ?? null, dYT ?? null,
    g.dx, g.dW, g.dKappaB, g.dKappaM, g.dGain, g.dMlpW, g.dMlpB, g.dWY, g.dBY, g.dB0, g.dM0, g.dY0,
  ] as const;
  const result = (): ElmNetworkGradsMaybeInput => dropInputGrad(g, inputGrad);
  return { k, args, result, saved };
}

/** Forward over the whole sequence: y [B,T,N·dAxon], final states, and `saved` for elmNetworkBackward. */
/**
 * Refuses a forward whose outputs and saved sequences exceed the machine's memory
 * (checkFitsInMemory): y twice (the output and the saved copy), the final states
 * and the saved buffer of B·T·N·(d_tree + 2·d_m + 2·l_mlp·d_mlp) floats.
 */
function checkForwardMemory(fn: string, shape: ElmNetworkShape, inputs: ElmNetworkInputs): void {
  const { B, T, N, dTree, dM, dMlp, lMlp, dAxon } = shape;
  const bpe = inputs?.x instanceof Float64Array ? 8 : 4;
  checkFitsInMemory((2 * B * T * N * dAxon + B * T * N * (dTree + 2 * dM + 2 * lMlp * dMlp) + B * N * (dTree + dM + dAxon)) * bpe, fn);
}

export function elmNetworkForward(shape: ElmNetworkShape, inputs: ElmNetworkInputs, device: KernelDevice): ElmNetworkForwardResult {
  checkDevice("elmNetworkForward", device);
  checkForwardMemory("elmNetworkForward", shape, inputs);
  return withKernelMemory(() => {
    if (device === "ref") return elmNetworkForwardRef(shape, inputs);
    const { k, args, finish } = prepareForward(shape, inputs, device);
    k.elmNetworkForward(shape, ...args);
    return finish();
  });
}

/**
 * BPTT: gradients of every float input, given dY [B,T,N·dAxon] and optional gradients of the
 * final states. On the native devices a `saved` serves one backward (its buffer is then
 * recycled by the next forward of the same shape); a second backward with it is refused.
 * With options.inputGrad false, dx is null (and the native CPU kernel does not store it).
 */
export function elmNetworkBackward(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice,
): ElmNetworkGrads;
export function elmNetworkBackward(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice, options: ElmNetworkBackwardOptions,
): ElmNetworkGradsMaybeInput;
export function elmNetworkBackward(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice, options?: ElmNetworkBackwardOptions,
): ElmNetworkGradsMaybeInput {
  checkDevice("elmNetworkBackward", device);
  const inputGrad = inputGradOf("elmNetworkBackward", options);
  if (device === "ref") return dropInputGrad(elmNetworkBackwardRef(shape, inputs, saved, dY, dBT, dMT, dYT), inputGrad);
  const { k, args, result, saved: s } = prepareBackward(shape, inputs, saved, dY, dBT, dMT, dYT, device, inputGrad);
  k.elmNetworkBackward(shape, ...args);
  releaseSaved(s);
  return result();
}

/** elmNetworkForward off the JS thread (native devices); the arrays must not be touched until it settles. */
export async function elmNetworkForwardAsync(
  shape: ElmNetworkShape,
  inputs: ElmNetworkInputs,
  device: KernelDevice,
): Promise<ElmNetworkForwardResult> {
  checkDevice("elmNetworkForwardAsync", device);
  checkForwardMemory("elmNetworkForwardAsync", shape, inputs);
  if (device === "ref") return withKernelMemory(() => elmNetworkForwardRef(shape, inputs));
  const { k, args, finish } = prepareForward(shape, inputs, device);
  await k.elmNetworkForwardAsync(shape, ...args);
  return finish();
}

/** elmNetworkBackward off the JS thread (native devices). */
export async function elmNetworkBackwardAsync(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice,
): Promise<ElmNetworkGrads>;
export async function elmNetworkBackwardAsync(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice, options: ElmNetworkBackwardOptions,
): Promise<ElmNetworkGradsMaybeInput>;
export async function elmNetworkBackwardAsync(
  shape: ElmNetworkShape, inputs: ElmNetworkInputs, saved: unknown,
  dY: Float, dBT: Float | null, dMT: Float | null, dYT: Float | null, device: KernelDevice, options?: ElmNetworkBackwardOptions,
): Promise<ElmNetworkGradsMaybeInput> {
  checkDevice("elmNetworkBackwardAsync", device);
  const inputGrad = inputGradOf("elmNetworkBackwardAsync", options);
  if (device === "ref") return dropInputGrad(elmNetworkBackwardRef(shape, inputs, saved, dY, dBT, dMT, dYT), inputGrad);
  const { k, args, result, saved: s } = prepareBackward(shape, inputs, saved, dY, dBT, dMT, dYT, device, inputGrad);
  s.consumed = true; // no second backward may start while this one runs
  await k.elmNetworkBackwardAsync(shape, ...args);
  releaseSaved(s);
  return result();
}
