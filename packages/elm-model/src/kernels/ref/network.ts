// The TypeScript oracle of the fused ELM Network kernel (ELM_SPEC §4): plain loops,
// arithmetic in float64 whatever the storage dtype, forward over the whole sequence
// and its backpropagation through time. Every other device is tested against it.
//
// Per step t, batch row b, neuron i (k_c = dTree·dBrch synapses, synapse j on branch ⌊j/dBrch⌋):
//   z_t      = [x_t ; y_{t−1}]
//   b^i_t    = κ^i_b ⊙ b^i_{t−1} + branch_sum(w^i ⊙ z_t[src^i])
//   h_0      = [b^i_t ; κ^i_m ⊙ m^i_{t−1}]
//   a_l      = W^i_l h_l + c^i_l,  h_{l+1} = act(a_l)   (l < lMlp)
//   Δm^i_t   = ctanh(a_lMlp),  ctanh(a) = 1.7159·tanh(2a/3)
//   m^i_t    = κ^i_m ⊙ m^i_{t−1} + gain^i ⊙ Δm^i_t
//   y^i_t    = W^i_y m^i_t + b^i_y
import {
  allocLike,
  mlpLayerDims,
  synapsesPerNeuron,
  validateNetworkGradOutputs,
  validateNetworkInputs,
  zLength,
  type ElmNetworkForwardResult,
  type ElmNetworkGrads,
  type ElmNetworkInputs,
  type ElmNetworkShape,
  type Float,
} from "../networkShape.js";

const CTANH_A = 1.7159;
const CTANH_B = 2 / 3;

/** What the ref forward keeps for BPTT (all float64). */
export interface RefNetworkSaved {
  kind: "ref-network";
  /** [B,T,N,dTree] b_t. */
  bSeq: Float64Array;
  /** [B,T,N,dM] m_t. */
  mSeq: Float64Array;
  /** per hidden layer l < lMlp: [B,T,N,dMlp] pre-activations a_l. */
  acts: Float64Array[];
  /** [B,T,N,dM] Δm_t = ctanh(a_lMlp). */
  deltaM: Float64Array;
  /** [B,T,N·dAxon] y_t. */
  ySeq: Float64Array;
}

function act(kind: "relu" | "silu", a: number): number {
  return kind === "relu" ? (a <= 0 ? 0 : a) : a / (1 + Math.exp(-a)); // relu(NaN) = NaN, as PyTorch
}
function actGrad(kind: "relu" | "silu", a: number): number {
  if (kind === "relu") return a <= 0 ? 0 : 1; // 1 at NaN, as PyTorch's threshold_backward
  const s = 1 / (1 + Math.exp(-a));
  return s * (1 + a * (1 - s));
}

export function elmNetworkForwardRef(shape: ElmNetworkShape, inp: ElmNetworkInputs): ElmNetworkForwardResult {
  validateNetworkInputs("elmNetworkForward", shape, inp);
  const { B, T, dIn, N, dTree, dBrch, dM, lMlp, dAxon, activation } = shape;
  const kc = synapsesPerNeuron(shape);
  const dY = N * dAxon;
  const dims = mlpLayerDims(shape);
  const bSeq = new Float64Array(B * T * N * dTree);
  const mSeq = new Float64Array(B * T * N * dM);
  const acts = Array.from({ length: lMlp }, () => new Float64Array(B * T * N * shape.dMlp));
  const deltaM = new Float64Array(B * T * N * dM);
  const ySeq = new Float64Array(B * T * dY);
  const maxWidth = Math.max(...dims.map((d) => Math.max(d.in, d.out)));
  let h = new Float64Array(maxWidth);
  let hNext = new Float64Array(maxWidth);

  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const xRow = (b * T + t) * dIn;
      const yPrev = (k: number): number =>
        t > 0 ? ySeq[(b * T + t - 1) * dY + k] : inp.y0 ? inp.y0[b * dY + k] : 0;
      for (let i = 0; i < N; i++) {
        const cur = (b * T + t) * N + i;
        const prev = (b * T + t - 1) * N + i;
        // branch trace (ELM_SPEC §4)
        for (let d = 0; d < dTree; d++) {
          const bPrev = t > 0 ? bSeq[prev * dTree + d] : inp.b0 ? inp.b0[(b * N + i) * dTree + d] : 0;
          let u = 0;
          for (let e = 0; e < dBrch; e++) {
            const j = d * dBrch + e;
            const s = inp.src[i * kc + j];
            const z = s < dIn ? inp.x[xRow + s] : yPrev(s - dIn);
            u += inp.w[i * kc + j] * z;
          }
          const bt = inp.kappaB[i * dTree + d] * bPrev + u;
          bSeq[cur * dTree + d] = bt;
          h[d] = bt;
        }
        const mPrev = (k: number): number =>
          t > 0 ? mSeq[prev * dM + k] : inp.m0 ? inp.m0[(b * N + i) * dM + k] : 0;
        for (let k = 0; k < dM; k++) h[dTree + k] = inp.kappaM[i * dM + k] * mPrev(k);
        // MLP
        for (let l = 0; l <= lMlp; l++) {
          const { in: nIn, out: nOut } = dims[l];
          const W = inp.mlpW[l];
          const c = inp.mlpB[l];
          for (let o = 0; o < nOut; o++) {
            let a = c[i * nOut + o];
            const row = (i * nOut + o) * nIn;
            for (let q = 0; q < nIn; q++) a += W[row + q] * h[q];
            if (l < lMlp) {
              acts[l][cur * nOut + o] = a;
              hNext[o] = act(activation, a);
            } else {
              deltaM[cur * dM + o] = CTANH_A * Math.tanh(CTANH_B * a);
            }
          }
          [h, hNext] = [hNext, h];
        }
        for (let k = 0; k < dM; k++) {
          mSeq[cur * dM + k] =
            inp.kappaM[i * dM + k] * mPrev(k) + inp.gain[i * dM + k] * deltaM[cur * dM + k];
        }
        for (let a = 0; a < dAxon; a++) {
          let yv = inp.bY[i * dAxon + a];
          for (let k = 0; k < dM; k++) yv += inp.wY[(i * dAxon + a) * dM + k] * mSeq[cur * dM + k];
          ySeq[(b * T + t) * dY + i * dAxon + a] = yv;
        }
      }
    }
  }
  const like = inp.x;
  const y = allocLike(like, B * T * dY);
  y.set(ySeq);
  const bT = allocLike(like, B * N * dTree);
  const mT = allocLike(like, B * N * dM);
  const yT = allocLike(like, B * dY);
  for (let b = 0; b < B; b++) {
    bT.set(bSeq.subarray(((b * T + T - 1) * N) * dTree, ((b * T + T) * N) * dTree), b * N * dTree);
    mT.set(mSeq.subarray(((b * T + T - 1) * N) * dM, ((b * T + T) * N) * dM), b * N * dM);
    yT.set(ySeq.subarray((b * T + T - 1) * dY, (b * T + T) * dY), b * dY);
  }
  const saved: RefNetworkSaved = { kind: "ref-network", bSeq, mSeq, acts, deltaM, ySeq };
  return { y, bT, mT, yT, saved };
}

export function elmNetworkBackwardRef(
  shape: ElmNetworkShape,
  inp: ElmNetworkInputs,
  savedIn: unknown,
  dYIn: Float,
  dBT: Float | null,
  dMT: Float | null,
  dYT: Float | null,
): ElmNetworkGrads {
  const fn = "elmNetworkBackward";
  validateNetworkInputs(fn, shape, inp);
  const f64 = inp.x instanceof Float64Array;
  validateNetworkGradOutputs(fn, shape, f64, dYIn, dBT, dMT, dYT);
  const saved = savedIn as RefNetworkSaved;
  if (!saved || saved.kind !== "ref-network") {
    throw new TypeError(`${fn}: 'saved' must come from elmNetworkForward on device "ref"`);
  }
  const { B, T, dIn, N, dTree, dBrch, dM, dMlp, lMlp, dAxon, activation } = shape;
  const kc = synapsesPerNeuron(shape);
  const dY = N * dAxon;
  const dZ = zLength(shape);
  const dims = mlpLayerDims(shape);
  const { bSeq, mSeq, acts, deltaM, ySeq } = saved;

  const dx = new Float64Array(B * T * dIn);
  const dW = new Float64Array(N * kc);
  const dKappaB = new Float64Array(N * dTree);
  const dKappaM = new Float64Array(N * dM);
  const dGain = new Float64Array(N * dM);
  const dMlpW = dims.map((d) => new Float64Array(N * d.out * d.in));
  const dMlpB = dims.map((d) => new Float64Array(N * d.out));
  const dWY = new Float64Array(N * dAxon * dM);
  const dBY = new Float64Array(N * dAxon);
  const dB0 = new Float64Array(B * N * dTree);
  const dM0 = new Float64Array(B * N * dM);
  const dY0 = new Float64Array(B * dY);

  const maxWidth = Math.max(...dims.map((d) => Math.max(d.in, d.out)));
  const hs = dims.map((d) => new Float64Array(d.in)); // inputs h_l of each layer
  let g = new Float64Array(maxWidth);
  let gPrev = new Float64Array(maxWidth);
  const dm = new Float64Array(dM);
  const dz = new Float64Array(dZ);

  for (let b = 0; b < B; b++) {
    // carried gradients: ∂L/∂b_t, ∂L/∂m_t (through step t+1), ∂L/∂y_t (through z_{t+1})
    const dBc = new Float64Array(N * dTree);
    const dMc = new Float64Array(N * dM);
    const dYc = new Float64Array(dY);
    for (let q = 0; q < N * dTree; q++) dBc[q] = dBT ? dBT[b * N * dTree + q] : 0;
    for (let q = 0; q < N * dM; q++) dMc[q] = dMT ? dMT[b * N * dM + q] : 0;
    for (let q = 0; q < dY; q++) dYc[q] = dYT ? dYT[b * dY + q] : 0;

    for (let t = T - 1; t >= 0; t--) {
      dz.fill(0);
      const xRow = (b * T + t) * dIn;
      const zAt = (s: number): number =>
        s < dIn ? inp.x[xRow + s] : t > 0 ? ySeq[(b * T + t - 1) * dY + s - dIn] : inp.y0 ? inp.y0[b * dY + s - dIn] : 0;
      for (let i = 0; i < N; i++) {
        const cur = (b * T + t) * N + i;
        const prev = (b * T + t - 1) * N + i;
        const bPrev = (d: number): number =>
          t > 0 ? bSeq[prev * dTree + d] : inp.b0 ? inp.b0[(b * N + i) * dTree + d] : 0;
        const mPrev = (k: number): number =>
          t > 0 ? mSeq[prev * dM + k] : inp.m0 ? inp.m0[(b * N + i) * dM + k] : 0;
        // y_t = W_y m_t + b_y
        for (let k = 0; k < dM; k++) dm[k] = dMc[i * dM + k];
        for (let a = 0; a < dAxon; a++) {
          const gy = dYIn[(b * T + t) * dY + i * dAxon + a] + dYc[i * dAxon + a];
          dBY[i * dAxon + a] += gy;
          for (let k = 0; k < dM; k++) {
            dWY[(i * dAxon + a) * dM + k] += gy * mSeq[cur * dM + k];
            dm[k] += gy * inp.wY[(i * dAxon + a) * dM + k];
          }
        }
        // m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm, Δm = ctanh(a_L)
        for (let k = 0; k < dM; k++) {
          const dlt = deltaM[cur * dM + k];
          dGain[i * dM + k] += dm[k] * dlt;
          const r = dlt / CTANH_A;
          g[k] = dm[k] * inp.gain[i * dM + k] * CTANH_A * CTANH_B * (1 - r * r);
        }
        // rebuild the layer inputs h_l
        for (let d = 0; d < dTree; d++) hs[0][d] = bSeq[cur * dTree + d];
        for (let k = 0; k < dM; k++) hs[0][dTree + k] = inp.kappaM[i * dM + k] * mPrev(k);
        for (let l = 1; l <= lMlp; l++) {
          for (let o = 0; o < dMlp; o++) hs[l][o] = act(activation, acts[l - 1][cur * dMlp + o]);
        }
        // MLP backward, layer L … 0
        for (let l = lMlp; l >= 0; l--) {
          const { in: nIn, out: nOut } = dims[l];
          const W = inp.mlpW[l];
          gPrev.fill(0, 0, nIn);
          for (let o = 0; o < nOut; o++) {
            const go = g[o];
            dMlpB[l][i * nOut + o] += go;
            const row = (i * nOut + o) * nIn;
            for (let q = 0; q < nIn; q++) {
              dMlpW[l][row + q] += go * hs[l][q];
              gPrev[q] += go * W[row + q];
            }
          }
          if (l > 0) {
            for (let q = 0; q < nIn; q++) gPrev[q] *= actGrad(activation, acts[l - 1][cur * dMlp + q]);
          }
          [g, gPrev] = [gPrev, g];
        }
        // g = ∂L/∂h_0 = [∂b_t (through the MLP) ; ∂(κ_m ⊙ m_{t−1})]
        for (let k = 0; k < dM; k++) {
          const kap = inp.kappaM[i * dM + k];
          const gmk = g[dTree + k] + dm[k]; // both terms multiply κ_m ⊙ m_{t−1}
          dKappaM[i * dM + k] += gmk * mPrev(k);
          dMc[i * dM + k] = gmk * kap;
        }
        // b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])
        for (let d = 0; d < dTree; d++) {
          const db = g[d] + dBc[i * dTree + d];
          dKappaB[i * dTree + d] += db * bPrev(d);
          dBc[i * dTree + d] = db * inp.kappaB[i * dTree + d];
          for (let e = 0; e < dBrch; e++) {
            const j = d * dBrch + e;
            const s = inp.src[i * kc + j];
            dW[i * kc + j] += db * zAt(s);
            dz[s] += db * inp.w[i * kc + j];
          }
        }
      }
      for (let k = 0; k < dIn; k++) dx[xRow + k] = dz[k];
      for (let q = 0; q < dY; q++) dYc[q] = dz[dIn + q];
    }
    dB0.set(dBc, b * N * dTree);
    dM0.set(dMc, b * N * dM);
    dY0.set(dYc, b * dY);
  }
  const out = (a: Float64Array): Float => {
    const r = allocLike(inp.x, a.length);
    r.set(a);
    return r;
  };
  return {
    dx: out(dx),
    dW: out(dW),
    dKappaB: out(dKappaB),
    dKappaM: out(dKappaM),
    dGain: out(dGain),
    dMlpW: dMlpW.map(out),
    dMlpB: dMlpB.map(out),
    dWY: out(dWY),
    dBY: out(dBY),
    dB0: out(dB0),
    dM0: out(dM0),
    dY0: out(dY0),
  };
}
