// Typings of the fused ELM neuron kernels in elm_cpu.node and elm_cuda.node
// (docs/CONTRACTS.md §2). The caller allocates every output; float arrays of
// one call share the dtype of inputs.x (Float32Array or Float64Array).
import { cpu, cuda } from "./loader.js";

type F = Float32Array | Float64Array;

export interface ElmNeuronNativeShape {
  variant: "v1" | "v2";
  B: number; T: number; dIn: number; dS: number; dTree: number; dBrch: number;
  dM: number; dMlp: number; lMlp: number;
  activation: "relu" | "silu";
}

export interface ElmNeuronNativeInputs {
  x: F; route: Int32Array | null; routeMask: F | null; wS: F; kappaTrace: F; kappaM: F; gain: F;
  mlpW: F[]; mlpB: F[]; trace0: F | null; m0: F | null;
}

/** Per-step state the forward stores for BPTT (dTr = dS for v1, dTree for v2; nH = lMlp·dMlp). */
export interface ElmNeuronNativeSaved {
  trace: F; // [B,T,dTr]
  z: F; // [B,T,dTree+dM]  MLP input [u_t ; κ_m ⊙ m_{t−1}]
  pre: F; // [B,T,nH]
  post: F; // [B,T,nH]
  deltaM: F; // [B,T,dM]
  m: F; // [B,T,dM]
}

export interface ElmNeuronNativeGrads {
  /** null: the CPU kernel skips the input gradient (the CUDA kernel requires it). */
  dx: F | null; dWS: F; dKappaTrace: F; dKappaM: F; dGain: F; dMlpW: F[]; dMlpB: F[]; dTrace0: F; dM0: F;
}

export interface ElmNeuronNativeKernels {
  /** Fills saved, traceT [B,dTr] and mT [B,dM]. */
  elmNeuronForward(shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved, traceT: F, mT: F): void;
  elmNeuronForwardAsync(shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved, traceT: F, mT: F): Promise<void>;
  /** Overwrites every array of grads. */
  elmNeuronBackward(
    shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved,
    dM: F, dTraceT: F | null, dMT: F | null, grads: ElmNeuronNativeGrads,
  ): void;
  elmNeuronBackwardAsync(
    shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved,
    dM: F, dTraceT: F | null, dMT: F | null, grads: ElmNeuronNativeGrads,
  ): Promise<void>;
}

export interface ElmNeuronHostBodies {
  /**
   * Runs the CUDA kernels' thread bodies (native/include/elm/neuron_cuda.h) on
   * the host over the same launch grid, phase by phase where the kernel
   * synchronises: the CUDA code path without a device. Same arguments as the
   * kernels above.
   */
  elmNeuronForwardCudaBodies(
    shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved, traceT: F, mT: F, threadsPerBlock?: number,
  ): void;
  elmNeuronBackwardCudaBodies(
    shape: ElmNeuronNativeShape, inputs: ElmNeuronNativeInputs, saved: ElmNeuronNativeSaved,
    dM: F, dTraceT: F | null, dMT: F | null, grads: ElmNeuronNativeGrads, threadsPerBlock?: number,
  ): void;
}

export type ElmNeuronSynapsePath = "auto" | "dense" | "sparse";

export interface ElmNeuronCpuControls {
  /**
   * The CPU kernels' synapse path (process-wide): "sparse" skips the synapses
   * reading x = 0 (spike inputs), "dense" visits every synapse, "auto" (the
   * default) picks per time step by input density. Every path gives the same
   * bits; forcing one is for tests and benchmarks. Sets `mode` when given and
   * returns the mode in effect before the call.
   */
  elmNeuronSynapsePath(mode?: ElmNeuronSynapsePath): ElmNeuronSynapsePath;
}

/** The CPU kernels (elm_cpu.node). */
export function elmNeuronCpu(): ElmNeuronNativeKernels & ElmNeuronHostBodies & ElmNeuronCpuControls {
  return cpu as unknown as ElmNeuronNativeKernels & ElmNeuronHostBodies & ElmNeuronCpuControls;
}

/** The CUDA kernels (elm_cuda.node); throws CudaUnavailableError without a device. */
export function elmNeuronCuda(): ElmNeuronNativeKernels {
  return cuda() as unknown as ElmNeuronNativeKernels;
}
