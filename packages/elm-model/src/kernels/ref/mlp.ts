// One sample's MLP (ELM_SPEC §2: W_p) in TypeScript, over flat arrays with
// offsets: the oracle twin of native/include/elm/mlp.h. Layer l has weight
// [out_l, in_l] row-major (PyTorch nn.Linear) and bias [out_l]; `hiddenLayers`
// hidden layers of width `hidden` with relu/silu, then a linear layer to `out`.
import type { Float, MlpActivation } from "../types.js";

export interface MlpDims {
  nIn: number;
  hidden: number;
  hiddenLayers: number;
  out: number;
  activation: MlpActivation;
}

export function activate(a: MlpActivation, x: number): number {
  return a === "relu" ? (x <= 0 ? 0 : x) : x / (1 + Math.exp(-x)); // relu(NaN) = NaN, as PyTorch
}

/** d act / dx; relu's subgradient at 0 is 0, as PyTorch. */
export function activateGrad(a: MlpActivation, x: number): number {
  if (a === "relu") return x <= 0 ? 0 : 1; // 1 at NaN, as PyTorch's threshold_backward
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 + x * (1 - s));
}

const CTANH_SCALE = 1.7159;
const CTANH_SLOPE = 2 / 3;

/** ctanh(x) = 1.7159·tanh(2x/3) (ELM_SPEC notation). */
export function ctanh(x: number): number {
  return CTANH_SCALE * Math.tanh(CTANH_SLOPE * x);
}

/** d ctanh / dx through its output y = ctanh(x). */
export function ctanhGradFromOutput(y: number): number {
  const t = y / CTANH_SCALE;
  return CTANH_SCALE * CTANH_SLOPE * (1 - t * t);
}

const layerIn = (d: MlpDims, l: number): number => (l === 0 ? d.nIn : d.hidden);
const layerOut = (d: MlpDims, l: number): number => (l === d.hiddenLayers ? d.out : d.hidden);

/**
 * Forward of one sample: input at x[xOff..], hidden pre-activations and
 * activations into pre/post at off.. (hiddenLayers·hidden each), the linear
 * output into out at outOff.. (out values).
 */
export function mlpForward(
  d: MlpDims, W: Float[], bias: Float[],
  x: Float, xOff: number, pre: Float, post: Float, off: number, out: Float, outOff: number,
): void {
  let h = x;
  let hOff = xOff;
  for (let l = 0; l <= d.hiddenLayers; l++) {
    const nIn = layerIn(d, l);
    const nOut = layerOut(d, l);
    const w = W[l];
    const b = bias[l];
    const last = l === d.hiddenLayers;
    const dst = last ? out : pre;
    const dOff = last ? outOff : off + l * d.hidden;
    for (let o = 0; o < nOut; o++) {
      let acc = b[o];
      const row = o * nIn;
      for (let i = 0; i < nIn; i++) acc += w[row + i] * h[hOff + i];
      dst[dOff + o] = acc;
      if (!last) post[dOff + o] = activate(d.activation, acc);
    }
    h = post;
    hOff = off + l * d.hidden;
  }
}

/**
 * Backward of one sample given dOut (dLoss/d linear output) at dOut[dOff..]:
 * adds weight/bias gradients into gW/gB, writes dLoss/d input into dx at
 * dxOff.. (nIn values). scratch: Float64Array of 2·hidden.
 */
export function mlpBackward(
  d: MlpDims, W: Float[], x: Float, xOff: number, pre: Float, post: Float, off: number,
  dOut: Float, dOff: number, gW: Float[], gB: Float[], dx: Float, dxOff: number, scratch: Float64Array,
): void {
  let dy: Float | Float64Array = dOut;
  let dyOff = dOff;
  let cur = 0; // half of scratch holding this layer's input gradient
  for (let l = d.hiddenLayers; l >= 0; l--) {
    const nIn = layerIn(d, l);
    const nOut = layerOut(d, l);
    const w = W[l];
    const gw = gW[l];
    const gb = gB[l];
    const inp = l === 0 ? x : post;
    const inOff = l === 0 ? xOff : off + (l - 1) * d.hidden;
    for (let o = 0; o < nOut; o++) {
      const g = dy[dyOff + o];
      gb[o] += g;
      const row = o * nIn;
      for (let i = 0; i < nIn; i++) gw[row + i] += g * inp[inOff + i];
    }
    const dst: Float | Float64Array = l === 0 ? dx : scratch;
    const dstOff = l === 0 ? dxOff : cur * d.hidden;
    for (let i = 0; i < nIn; i++) dst[dstOff + i] = 0;
    for (let o = 0; o < nOut; o++) {
      const g = dy[dyOff + o];
      const row = o * nIn;
      for (let i = 0; i < nIn; i++) dst[dstOff + i] += g * w[row + i];
    }
    if (l > 0) {
      const pOff = off + (l - 1) * d.hidden;
      for (let j = 0; j < d.hidden; j++) scratch[dstOff + j] *= activateGrad(d.activation, pre[pOff + j]);
      dy = scratch;
      dyOff = dstOff;
      cur = 1 - cur;
    }
  }
}
