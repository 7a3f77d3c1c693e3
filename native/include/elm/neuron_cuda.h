// Thread bodies of the fused ELM neuron CUDA kernels (ELM_SPEC §2, §3), as
// host+device functions of (block, thread) with explicit shared buffers, so
// the same code runs on the GPU and, phase by phase over the launch grid, on
// the host (native/src/cpu/elm_neuron_cuda_host.cpp) where tests compare it
// with the CPU kernels.
//
// Launch: one block per sample b (gridDim.x = B), any blockDim.x = nt. Each
// time step is a fixed sequence of phases; the kernel calls
// neuron_*_phase(p, …) for p < neuron_*_phases(d) with __syncthreads()
// between phases. Inside a phase, thread tid handles items tid, tid+nt, …,
// and every item is written by exactly one thread.
#pragma once
#include <vector>

#include "elm/neuron.h"

namespace elm {

// ---- shared memory -------------------------------------------------------

// Forward, per block: z [nZ] (MLP input), h [2·dMlp] (hidden activations, ping-pong).
ELM_HD index_t neuron_fwd_shared_elems(const NeuronDims& d) { return d.nZ() + 2 * d.dMlp; }

// Backward, per block: gm [dM], dout [dM], carryM [dM], dz [nZ], dh [2·dMlp].
ELM_HD index_t neuron_bwd_shared_elems(const NeuronDims& d) { return 3 * d.dM + d.nZ() + 2 * d.dMlp; }

// ---- forward -------------------------------------------------------------

// The MLP weights transposed, W_lᵀ [in_l][out_l], so that in the forward
// products consecutive threads (consecutive outputs) read consecutive
// addresses (coalesced on the GPU). The launcher builds them.
template <class T>
struct MlpWeightsT {
  const T* w[kMaxMlpLayers] = {};
};

// W_lᵀ of every layer into one buffer (host side); out[l] points into it.
template <class T>
std::vector<T> transpose_mlp_weights(const NeuronDims& d, const NeuronInputs<T>& in, index_t* offsets) {
  std::vector<T> buf;
  for (int l = 0; l <= d.lMlp; ++l) {
    const int nIn = l == 0 ? d.nZ() : d.dMlp, nOut = l == d.lMlp ? d.dM : d.dMlp;
    offsets[l] = static_cast<index_t>(buf.size());
    buf.resize(buf.size() + static_cast<size_t>(nIn) * nOut);
    T* dst = buf.data() + offsets[l];
    for (int o = 0; o < nOut; ++o)
      for (int i = 0; i < nIn; ++i) dst[static_cast<index_t>(i) * nOut + o] = in.mlpW[l][static_cast<index_t>(o) * nIn + i];
  }
  return buf;
}

// Phases per step: 0 trace (+ a_t), 1 branch sums (v1), 2..2+lMlp−1 hidden layers, 2+lMlp output.
ELM_HD int neuron_fwd_phases(const NeuronDims& d) { return d.lMlp + 3; }

template <class T>
ELM_HD void neuron_fwd_phase(int phase, const NeuronDims& d, const NeuronInputs<T>& in, const MlpWeightsT<T>& wt,
                             const NeuronSaved<T>& sv, index_t b, index_t t, int tid, int nt, T* shared) {
  const int nZ = d.nZ(), dTr = d.dTr(), H = d.dMlp, L = d.lMlp, nb = d.dBrch;
  const index_t bt = b * d.T + t;
  T* z = shared;       // [nZ]
  T* h = shared + nZ;  // [2·H]; hidden layer l's activations at (l % 2)·H
  T* cur = sv.trace + bt * dTr;
  const T* prev = t > 0 ? cur - dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
  const T* xt = in.x + bt * d.dIn;
  T* zg = sv.z + bt * nZ;
  if (phase == 0) {
    if (d.variant == 1) {
      // s_t = κ_s ⊙ s_{t−1} + w_s ⊙ r_t
      for (int j = tid; j < d.dS; j += nt) cur[j] = (prev ? in.kappaTrace[j] * prev[j] : T(0)) + in.wS[j] * routed_input(in, xt, j);
    } else {
      // b_t = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ r_t)
      for (int k = tid; k < d.dTree; k += nt) {
        T s = T(0);
        for (int j = k * nb; j < (k + 1) * nb; ++j) s += in.wS[j] * routed_input(in, xt, j);
        const T v = (prev ? in.kappaTrace[k] * prev[k] : T(0)) + s;
        cur[k] = v;
        z[k] = v;
        zg[k] = v;
      }
    }
    // a_t = κ_m ⊙ m_{t−1}
    const T* mPrev = t > 0 ? sv.m + (bt - 1) * d.dM : in.m0 ? in.m0 + b * d.dM : nullptr;
    for (int k = tid; k < d.dM; k += nt) {
      const T a = mPrev ? in.kappaM[k] * mPrev[k] : T(0);
      z[d.dTree + k] = a;
      zg[d.dTree + k] = a;
    }
  } else if (phase == 1) {
    if (d.variant == 1) {
      // u_t = branch_sum(s_t)
      for (int k = tid; k < d.dTree; k += nt) {
        T s = T(0);
        for (int j = k * nb; j < (k + 1) * nb; ++j) s += cur[j];
        z[k] = s;
        zg[k] = s;
      }
    }
  } else if (phase < 2 + L) {
    // hidden layer l: pre = W_l h_{l} + b_l, post = act(pre)
    const int l = phase - 2;
    const int nIn = l == 0 ? nZ : H;
    const T* hin = l == 0 ? z : h + ((l - 1) % 2) * H;
    T* hout = h + (l % 2) * H;
    const T* Wt = wt.w[l];  // [nIn][H]
    for (int j = tid; j < H; j += nt) {
      T acc = in.mlpB[l][j];
      for (int i = 0; i < nIn; ++i) acc += Wt[static_cast<index_t>(i) * H + j] * hin[i];
      const T q = activate(d.act, acc);
      hout[j] = q;
      sv.pre[bt * d.nH() + static_cast<index_t>(l) * H + j] = acc;
      sv.post[bt * d.nH() + static_cast<index_t>(l) * H + j] = q;
    }
  } else {
    // Δm_t = ctanh(W_L h + b_L), m_t = a_t + gain ⊙ Δm_t
    const T* hin = h + ((L - 1) % 2) * H;
    const T* Wt = wt.w[L];  // [H][dM]
    for (int k = tid; k < d.dM; k += nt) {
      T acc = in.mlpB[L][k];
      for (int i = 0; i < H; ++i) acc += Wt[static_cast<index_t>(i) * d.dM + k] * hin[i];
      sv.m[bt * d.dM + k] = memory_update(z[d.dTree + k], in.gain[k], acc, sv.deltaM + bt * d.dM + k);
    }
  }
}

// After the last step: the final state.
template <class T>
ELM_HD void neuron_fwd_final(const NeuronDims& d, const NeuronSaved<T>& sv, index_t b, int tid, int nt, T* traceT, T* mT) {
  const index_t last = b * d.T + d.T - 1;
  for (int k = tid; k < d.dTr(); k += nt) traceT[b * d.dTr() + k] = sv.trace[last * d.dTr() + k];
  for (int k = tid; k < d.dM; k += nt) mT[b * d.dM + k] = sv.m[last * d.dM + k];
}

// ---- backward ------------------------------------------------------------

// Per-block partial sums of the parameter gradients, one row of `size` per
// block: every MLP weight and bias, then dWS, dKappaTrace, dKappaM, dGain.
struct NeuronPartialLayout {
  index_t w[kMaxMlpLayers] = {}, b[kMaxMlpLayers] = {};
  index_t wS = 0, kappaTrace = 0, kappaM = 0, gain = 0, size = 0;
};

ELM_HD NeuronPartialLayout neuron_partial_layout(const NeuronDims& d) {
  NeuronPartialLayout p;
  index_t o = 0;
  for (int l = 0; l <= d.lMlp; ++l) {
    const index_t nIn = l == 0 ? d.nZ() : d.dMlp, nOut = l == d.lMlp ? d.dM : d.dMlp;
    p.w[l] = o;
    o += nOut * nIn;
    p.b[l] = o;
    o += nOut;
  }
  p.wS = o;
  o += d.dS;
  p.kappaTrace = o;
  o += d.dTr();
  p.kappaM = o;
  o += d.dM;
  p.gain = o;
  o += d.dM;
  p.size = o;
  return p;
}

// Synapses grouped by the input they read (CSR), so dx_t[i] is a gather
// (one writer per input) instead of a scatter.
struct NeuronRouteCsr {
  const int* ptr = nullptr;  // [dIn+1]
  const int* syn = nullptr;  // [dS]
};

// Global scratch of the backward pass.
template <class T>
struct NeuronBwdScratch {
  T* partial = nullptr;     // [B, layout.size], zeroed before the launch
  T* carryTrace = nullptr;  // [B, dTr]  dL/d trace_t from step t+1
  T* gs = nullptr;          // [B, dS]   dL/d(w_s ⊙ r_t) of the current step
};

// Upstream gradients.
template <class T>
struct NeuronUpstream {
  const T* dM = nullptr;       // [B,T,dM]
  const T* dTraceT = nullptr;  // [B,dTr] or null
  const T* dMT = nullptr;      // [B,dM] or null
};

// Before the first (last in time) step: the carries start at the final-state gradients.
template <class T>
ELM_HD void neuron_bwd_init(const NeuronDims& d, const NeuronUpstream<T>& up, const NeuronBwdScratch<T>& sc, index_t b,
                            int tid, int nt, T* shared) {
  T* carryM = shared + 2 * d.dM;
  for (int k = tid; k < d.dM; k += nt) carryM[k] = up.dMT ? up.dMT[b * d.dM + k] : T(0);
  for (int k = tid; k < d.dTr(); k += nt) sc.carryTrace[b * d.dTr() + k] = up.dTraceT ? up.dTraceT[b * d.dTr() + k] : T(0);
}

// Phases per step: 0 memory update, 1..lMlp hidden layers (from the top),
// 1+lMlp layer 0, 2+lMlp κ_m and traces, 3+lMlp synapses (dWS, dx).
ELM_HD int neuron_bwd_phases(const NeuronDims& d) { return d.lMlp + 4; }

template <class T>
ELM_HD void neuron_bwd_phase(int phase, const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv,
                             const NeuronUpstream<T>& up, const NeuronRouteCsr& csr, const NeuronBwdScratch<T>& sc,
                             T* dx, index_t b, index_t t, int tid, int nt, T* shared) {
  const int nZ = d.nZ(), dTr = d.dTr(), H = d.dMlp, L = d.lMlp, dM = d.dM, nb = d.dBrch, nH = d.nH();
  const index_t bt = b * d.T + t;
  const NeuronPartialLayout lay = neuron_partial_layout(d);
  T* part = sc.partial + b * lay.size;
  T* gm = shared;             // [dM] dL/dm_t
  T* dout = shared + dM;      // [dM] dL/do_t
  T* carryM = shared + 2 * dM;  // [dM] dL/dm_t arriving from t+1
  T* dz = shared + 3 * dM;    // [nZ]
  T* dh = dz + nZ;            // [2·H]; dL/d pre of hidden layer l at (l % 2)·H
  if (phase == 0) {
    // m_t = a_t + gain ⊙ ctanh(o_t)
    for (int k = tid; k < dM; k += nt) {
      const T g = up.dM[bt * dM + k] + carryM[k];
      gm[k] = g;
      const T dOut = memory_update_backward(g, in.gain[k], sv.deltaM[bt * dM + k], part + lay.gain + k);
      dout[k] = dOut;
      part[lay.b[L] + k] += dOut;
    }
  } else if (phase <= L) {
    // layer lo = L − phase + 1 (L = output layer first): its weight gradient, and
    // dL/d pre of the hidden layer below it
    const int lo = L - phase + 1;
    const int nOut = lo == L ? dM : H;
    const T* dy = lo == L ? dout : dh + (lo % 2) * H;
    const T* x = sv.post + bt * nH + static_cast<index_t>(lo - 1) * H;  // input of layer lo = post of layer lo−1
    T* gW = part + lay.w[lo];
    for (int e = tid; e < nOut * H; e += nt) gW[e] += dy[e / H] * x[e % H];
    const T* W = in.mlpW[lo];
    const T* pre = sv.pre + bt * nH + static_cast<index_t>(lo - 1) * H;
    T* dBelow = dh + ((lo - 1) % 2) * H;
    for (int i = tid; i < H; i += nt) {
      T s = T(0);
      for (int o = 0; o < nOut; ++o) s += W[static_cast<index_t>(o) * H + i] * dy[o];
      const T g = s * activate_grad(d.act, pre[i]);
      dBelow[i] = g;
      part[lay.b[lo - 1] + i] += g;
    }
  } else if (phase == L + 1) {
    // layer 0: weight gradient and dL/dz_t
    const T* dy = dh;  // layer 0 at (0 % 2)·H
    const T* x = sv.z + bt * nZ;
    T* gW = part + lay.w[0];
    for (int e = tid; e < H * nZ; e += nt) gW[e] += dy[e / nZ] * x[e % nZ];
    const T* W = in.mlpW[0];
    for (int i = tid; i < nZ; i += nt) {
      T s = T(0);
      for (int o = 0; o < H; ++o) s += W[static_cast<index_t>(o) * nZ + i] * dy[o];
      dz[i] = s;
    }
  } else if (phase == L + 2) {
    // a_t = κ_m ⊙ m_{t−1} feeds the MLP and the update
    const T* mPrev = t > 0 ? sv.m + (bt - 1) * dM : in.m0 ? in.m0 + b * dM : nullptr;
    for (int k = tid; k < dM; k += nt) {
      const T da = gm[k] + dz[d.dTree + k];
      if (mPrev) part[lay.kappaM + k] += da * mPrev[k];
      carryM[k] = da * in.kappaM[k];
    }
    const T* prev = t > 0 ? sv.trace + (bt - 1) * dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
    T* carry = sc.carryTrace + b * dTr;
    T* gs = sc.gs + b * d.dS;
    if (d.variant == 1) {
      for (int j = tid; j < d.dS; j += nt) {
        const T g = dz[j / nb] + carry[j];
        if (prev) part[lay.kappaTrace + j] += g * prev[j];
        carry[j] = g * in.kappaTrace[j];
        gs[j] = g;
      }
    } else {
      for (int k = tid; k < d.dTree; k += nt) {
        const T g = dz[k] + carry[k];
        if (prev) part[lay.kappaTrace + k] += g * prev[k];
        carry[k] = g * in.kappaTrace[k];
        for (int j = k * nb; j < (k + 1) * nb; ++j) gs[j] = g;
      }
    }
  } else {
    // synapses: dWS += gs ⊙ r_t; dx_t[i] = Σ_{j reads i} gs_j · w_s,j · mask_j
    const T* gs = sc.gs + b * d.dS;
    const T* xt = in.x + bt * d.dIn;
    for (int j = tid; j < d.dS; j += nt) part[lay.wS + j] += gs[j] * routed_input(in, xt, j);
    T* dxt = dx + bt * d.dIn;
    for (int i = tid; i < d.dIn; i += nt) {
      T s = T(0);
      for (int p = csr.ptr[i]; p < csr.ptr[i + 1]; ++p) {
        const int j = csr.syn[p];
        s += gs[j] * (in.routeMask ? in.wS[j] * in.routeMask[j] : in.wS[j]);
      }
      dxt[i] = s;
    }
  }
}

// After the first step: the initial-state gradients.
template <class T>
ELM_HD void neuron_bwd_final(const NeuronDims& d, const NeuronBwdScratch<T>& sc, const NeuronGrads<T>& g, index_t b,
                             int tid, int nt, const T* shared) {
  const T* carryM = shared + 2 * d.dM;
  for (int k = tid; k < d.dM; k += nt) g.dM0[b * d.dM + k] = carryM[k];
  for (int k = tid; k < d.dTr(); k += nt) g.dTrace0[b * d.dTr() + k] = sc.carryTrace[b * d.dTr() + k];
}

// Reduction of the per-block partials (a second launch): element e of the
// layout, summed over blocks in order, written to its gradient array.
template <class T>
ELM_HD void neuron_bwd_reduce_element(const NeuronDims& d, const NeuronBwdScratch<T>& sc, const NeuronGrads<T>& g, index_t e) {
  const NeuronPartialLayout lay = neuron_partial_layout(d);
  T s = T(0);
  for (index_t b = 0; b < d.B; ++b) s += sc.partial[b * lay.size + e];
  if (e >= lay.gain) { g.dGain[e - lay.gain] = s; return; }
  if (e >= lay.kappaM) { g.dKappaM[e - lay.kappaM] = s; return; }
  if (e >= lay.kappaTrace) { g.dKappaTrace[e - lay.kappaTrace] = s; return; }
  if (e >= lay.wS) { g.dWS[e - lay.wS] = s; return; }
  for (int l = d.lMlp; l >= 0; --l) {
    if (e >= lay.b[l]) { g.dMlpB[l][e - lay.b[l]] = s; return; }
    if (e >= lay.w[l]) { g.dMlpW[l][e - lay.w[l]] = s; return; }
  }
}

// CSR of the routing (host side; the launcher uploads it): the synapses that
// read input i are syn[ptr[i]..ptr[i+1]), in synapse order.
inline void neuron_route_csr(const NeuronDims& d, const std::int32_t* route, int* ptr, int* syn) {
  for (int i = 0; i <= d.dIn; ++i) ptr[i] = 0;
  for (int j = 0; j < d.dS; ++j) ++ptr[(route ? route[j] : j) + 1];
  for (int i = 0; i < d.dIn; ++i) ptr[i + 1] += ptr[i];
  std::vector<int> cursor(ptr, ptr + d.dIn);
  for (int j = 0; j < d.dS; ++j) syn[cursor[route ? route[j] : j]++] = j;
}

}  // namespace elm
