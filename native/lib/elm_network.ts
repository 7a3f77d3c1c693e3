// Typings of the ELM Network kernels (ELM_SPEC §4) in elm_cpu.node and
// elm_cuda.node. Outputs are preallocated by the caller and overwritten; all
// float arrays of one call share the dtype of x. See
// native/src/binding/cpu/elm_network_args.h for the checks.
import { cpu, cuda } from "./loader.js";

type F = Float32Array | Float64Array;

/** Shape of an ELM Network call; k_c = dTree·dBrch, z = [x ; y_{t−1}] has dIn + N·dAxon entries. */
export interface ElmNetworkNativeShape {
  B: number; T: number; dIn: number; N: number; dTree: number; dBrch: number;
  dM: number; dMlp: number; lMlp: number; dAxon: number; activation: "relu" | "silu";
}

/** Inputs in binding order: x, src, w, kappaB, kappaM, gain, mlpW, mlpB, wY, bY, b0, m0, y0. */
export type ElmNetworkNativeInputs = [
  x: F, src: Int32Array, w: F, kappaB: F, kappaM: F, gain: F, mlpW: F[], mlpB: F[], wY: F, bY: F,
  b0: F | null, m0: F | null, y0: F | null,
];

/** Forward outputs: y [B,T,N·dAxon], bT, mT, yT, saved [elmNetworkSavedLength(shape)]. */
export type ElmNetworkNativeForwardOut = [y: F, bT: F, mT: F, yT: F, saved: F];

/**
 * Backward: saved, y (from the forward), dY, dBT|null, dMT|null, dYT|null, then the gradient
 * outputs. dx may be null on the CPU kernel (elmNetworkBackward[Async]): dL/dx is then not
 * stored; the CUDA kernel and the CUDA thread bodies require it.
 */
export type ElmNetworkNativeBackwardArgs = [
  saved: F, y: F, dY: F, dBT: F | null, dMT: F | null, dYT: F | null,
  dx: F | null, dW: F, dKappaB: F, dKappaM: F, dGain: F, dMlpW: F[], dMlpB: F[], dWY: F, dBY: F, dB0: F, dM0: F, dY0: F,
];

export interface ElmNetworkKernels {
  elmNetworkForward(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeForwardOut]): void;
  elmNetworkForwardAsync(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeForwardOut]): Promise<void>;
  elmNetworkBackward(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeBackwardArgs]): void;
  elmNetworkBackwardAsync(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeBackwardArgs]): Promise<void>;
  /** Length of the `saved` buffer (b_t, m_t, MLP pre/post-activations, Δm per step). */
  elmNetworkSavedLength(shape: ElmNetworkNativeShape): number;
}

export interface ElmNetworkCpuKernels extends ElmNetworkKernels {
  /** The CUDA kernels' thread bodies run on the host over their launch grid (tests of the CUDA path). */
  elmNetworkForwardCudaBodies(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeForwardOut]): void;
  elmNetworkBackwardCudaBodies(shape: ElmNetworkNativeShape, ...args: [...ElmNetworkNativeInputs, ...ElmNetworkNativeBackwardArgs]): void;
}

/** The CPU ELM Network kernels. */
export function elmNetworkCpu(): ElmNetworkCpuKernels {
  return cpu as unknown as ElmNetworkCpuKernels;
}

/** The CUDA ELM Network kernels; throws CudaUnavailableError naming the reason without a device. */
export function elmNetworkCuda(): ElmNetworkKernels {
  return cuda() as unknown as ElmNetworkKernels;
}
