// Shapes, inputs and outputs of the fused ELM Network kernel (docs/CONTRACTS.md §2,
// ELM_SPEC §4), and the argument checks every device shares.
//
// Layouts (row-major):
//   x [B,T,dIn]; src, w [N,kc] with kc = dTree·dBrch; kappaB [N,dTree];
//   kappaM, gain [N,dM]; mlpW[l] [N,out_l,in_l], mlpB[l] [N,out_l] for l ≤ lMlp,
//   in_0 = dTree + dM, in_l = dMlp (l ≥ 1), out_l = dMlp (l < lMlp), out_lMlp = dM;
//   wY [N,dAxon,dM], bY [N,dAxon]; b0 [B,N,dTree], m0 [B,N,dM], y0 [B,N·dAxon];
//   y [B,T,N·dAxon] (neuron i owns columns i·dAxon … i·dAxon+dAxon−1).
// z_t = [x_t ; y_{t−1}] has dZ = dIn + N·dAxon entries; src indexes it.

import type { Float, KernelDevice } from "./types.js";

export type { Float, KernelDevice };

export interface ElmNetworkShape {
  B: number;
  T: number;
  dIn: number;
  N: number;
  dTree: number;
  dBrch: number;
  dM: number;
  dMlp: number;
  lMlp: number;
  dAxon: number;
  activation: "relu" | "silu";
}

export interface ElmNetworkInputs {
  x: Float;
  src: Int32Array;
  w: Float;
  kappaB: Float;
  kappaM: Float;
  gain: Float;
  mlpW: Float[];
  mlpB: Float[];
  wY: Float;
  bY: Float;
  b0: Float | null;
  m0: Float | null;
  y0: Float | null;
}

export interface ElmNetworkForwardResult {
  /** [B,T,N·dAxon] neuron outputs y_t. */
  y: Float;
  /** [B,N,dTree] final branch traces b_T. */
  bT: Float;
  /** [B,N,dM] final memories m_T. */
  mT: Float;
  /** [B,N·dAxon] final outputs y_T. */
  yT: Float;
  /** What BPTT needs; opaque, pass it to elmNetworkBackward on the same device. */
  saved: unknown;
}

export interface ElmNetworkGrads {
  dx: Float;
  dW: Float;
  dKappaB: Float;
  dKappaM: Float;
  dGain: Float;
  dMlpW: Float[];
  dMlpB: Float[];
  dWY: Float;
  dBY: Float;
  dB0: Float;
  dM0: Float;
  dY0: Float;
}

export interface ElmNetworkBackwardOptions {
  /**
   * Compute dL/dx (default true). false, when x is data that needs no gradient:
   * the result's dx is null and the native CPU kernel does not store it (the CUDA
   * kernel computes it into a buffer that is dropped).
   */
  inputGrad?: boolean;
}

/** elmNetworkBackward's result when options are given: dx is null unless options.inputGrad is true (the default). */
export type ElmNetworkGradsMaybeInput = Omit<ElmNetworkGrads, "dx"> & { dx: Float | null };

/** MLP layer l of a neuron: [out, in] (ELM_SPEC §3: lMlp hidden layers of dMlp, then dM). */
export function mlpLayerDims(shape: ElmNetworkShape): { out: number; in: number }[] {
  const dims: { out: number; in: number }[] = [];
  for (let l = 0; l <= shape.lMlp; l++) {
    dims.push({
      in: l === 0 ? shape.dTree + shape.dM : shape.dMlp,
      out: l === shape.lMlp ? shape.dM : shape.dMlp,
    });
  }
  return dims;
}

/** Number of synapses per neuron, k_c = dTree·dBrch. */
export const synapsesPerNeuron = (s: ElmNetworkShape): number => s.dTree * s.dBrch;
/** Length of z_t = [x_t ; y_{t−1}]. */
export const zLength = (s: ElmNetworkShape): number => s.dIn + s.N * s.dAxon;

const DIMS: [keyof ElmNetworkShape, number][] = [
  ["B", 1], ["T", 1], ["dIn", 0], ["N", 1], ["dTree", 1], ["dBrch", 1],
  ["dM", 1], ["dMlp", 1], ["lMlp", 0], ["dAxon", 1],
];

function checkArray(fn: string, name: string, a: unknown, len: number, f64: boolean): void {
  const ok = f64 ? a instanceof Float64Array : a instanceof Float32Array;
  if (!ok) {
    const got = a === null ? "null" : a === undefined ? "undefined" : (a as object).constructor?.name ?? typeof a;
    throw new TypeError(`${fn}: '${name}' must be a ${f64 ? "Float64Array" : "Float32Array"} (the dtype of x), got ${got}`);
  }
  if ((a as Float).length !== len) {
    throw new RangeError(`${fn}: '${name}' has length ${(a as Float).length}, expected ${len}`);
  }
}

/** Checks the shape and every input; throws a TypeError/RangeError naming the bad value. */
export function validateNetworkInputs(fn: string, shape: ElmNetworkShape, inp: ElmNetworkInputs): void {
  if (typeof shape !== "object" || shape === null) throw new TypeError(`${fn}: shape must be an object, got ${shape}`);
  for (const [k, min] of DIMS) {
    const v = shape[k] as number;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      throw new RangeError(`${fn}: shape.${k} must be an integer ≥ ${min}, got ${String(v)}`);
    }
  }
  if (shape.activation !== "relu" && shape.activation !== "silu") {
    throw new RangeError(`${fn}: shape.activation must be "relu" or "silu", got ${JSON.stringify(shape.activation)}`);
  }
  const { B, T, dIn, N, dTree, dM, dAxon } = shape;
  if (!(inp.x instanceof Float32Array || inp.x instanceof Float64Array)) {
    throw new TypeError(`${fn}: 'x' must be a Float32Array or Float64Array`);
  }
  const f64 = inp.x instanceof Float64Array;
  const kc = synapsesPerNeuron(shape);
  checkArray(fn, "x", inp.x, B * T * dIn, f64);
  if (!(inp.src instanceof Int32Array)) throw new TypeError(`${fn}: 'src' must be an Int32Array`);
  if (inp.src.length !== N * kc) throw new RangeError(`${fn}: 'src' has length ${inp.src.length}, expected ${N * kc} (N·dTree·dBrch)`);
  const dZ = zLength(shape);
  for (let q = 0; q < inp.src.length; q++) {
    const s = inp.src[q];
    if (s < 0 || s >= dZ) {
      throw new RangeError(
        `${fn}: src[${q}] (neuron ${Math.floor(q / kc)}, synapse ${q % kc}) = ${s} is out of range; expected 0 ≤ src < dIn + N·dAxon = ${dZ}`,
      );
    }
  }
  checkArray(fn, "w", inp.w, N * kc, f64);
  checkArray(fn, "kappaB", inp.kappaB, N * dTree, f64);
  checkArray(fn, "kappaM", inp.kappaM, N * dM, f64);
  checkArray(fn, "gain", inp.gain, N * dM, f64);
  const dims = mlpLayerDims(shape);
  if (!Array.isArray(inp.mlpW) || inp.mlpW.length !== dims.length) {
    throw new RangeError(`${fn}: 'mlpW' must be an array of lMlp+1 = ${dims.length} layers, got ${Array.isArray(inp.mlpW) ? inp.mlpW.length : typeof inp.mlpW}`);
  }
  if (!Array.isArray(inp.mlpB) || inp.mlpB.length !== dims.length) {
    throw new RangeError(`${fn}: 'mlpB' must be an array of lMlp+1 = ${dims.length} layers, got ${Array.isArray(inp.mlpB) ? inp.mlpB.length : typeof inp.mlpB}`);
  }
  dims.forEach((d, l) => {
    checkArray(fn, `mlpW[${l}]`, inp.mlpW[l], N * d.out * d.in, f64);
    checkArray(fn, `mlpB[${l}]`, inp.mlpB[l], N * d.out, f64);
  });
  checkArray(fn, "wY", inp.wY, N * dAxon * dM, f64);
  checkArray(fn, "bY", inp.bY, N * dAxon, f64);
  if (inp.b0 !== null && inp.b0 !== undefined) checkArray(fn, "b0", inp.b0, B * N * dTree, f64);
  if (inp.m0 !== null && inp.m0 !== undefined) checkArray(fn, "m0", inp.m0, B * N * dM, f64);
  if (inp.y0 !== null && inp.y0 !== undefined) checkArray(fn, "y0", inp.y0, B * N * dAxon, f64);
}

/** Checks the upstream gradients of elmNetworkBackward. */
export function validateNetworkGradOutputs(
  fn: string,
  shape: ElmNetworkShape,
  f64: boolean,
  dY: Float,
  dBT: Float | null,
  dMT: Float | null,
  dYT: Float | null,
): void {
  const { B, T, N, dTree, dM, dAxon } = shape;
  checkArray(fn, "dY", dY, B * T * N * dAxon, f64);
  if (dBT !== null && dBT !== undefined) checkArray(fn, "dBT", dBT, B * N * dTree, f64);
  if (dMT !== null && dMT !== undefined) checkArray(fn, "dMT", dMT, B * N * dM, f64);
  if (dYT !== null && dYT !== undefined) checkArray(fn, "dYT", dYT, B * N * dAxon, f64);
}

/** A new array of the dtype of `like`. */
export function allocLike(like: Float, n: number): Float {
  return like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
}
