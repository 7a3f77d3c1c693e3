// The ELM Network (ELM_SPEC §4), one sample (batch row b, neuron i, step t) at a
// time, host+device. The CPU kernel and the CUDA thread bodies both call these;
// the MLP and the activations are elm/mlp.h and elm/activations.h.
//
// Per step t, row b, neuron i (k_c = dTree·dBrch synapses, synapse j on branch ⌊j/dBrch⌋):
//   z_t      = [x_t ; y_{t−1}]                                         (dZ = dIn + N·dAxon)
//   b^i_t    = κ^i_b ⊙ b^i_{t−1} + branch_sum(w^i ⊙ z_t[src^i])
//   Δm^i_t   = ctanh(MLP^i([b^i_t ; κ^i_m ⊙ m^i_{t−1}]))
//   m^i_t    = κ^i_m ⊙ m^i_{t−1} + gain^i ⊙ Δm^i_t
//   y^i_t    = W^i_y m^i_t + b^i_y                                     (dAxon outputs)
//
// Layouts (row-major): x [B,T,dIn]; src, w [N,kc]; kappaB [N,dTree]; kappaM, gain
// [N,dM]; mlpW[l] [N,out_l,in_l], mlpB[l] [N,out_l]; wY [N,dAxon,dM]; bY [N,dAxon];
// b0 [B,N,dTree]; m0 [B,N,dM]; y0, yT [B,N·dAxon]; y [B,T,N·dAxon].
#pragma once
#include "elm/activations.h"
#include "elm/common.h"
#include "elm/mlp.h"

namespace elm {

struct NetworkDims {
  int B = 0, T = 0, dIn = 0, N = 0, dTree = 0, dBrch = 0, dM = 0, dMlp = 0, lMlp = 0, dAxon = 0;
  Activation act = Activation::relu;

  ELM_HD int kc() const { return dTree * dBrch; }
  ELM_HD int dZ() const { return dIn + N * dAxon; }
  ELM_HD int dY() const { return N * dAxon; }
  // MLP input [b_t ; κ_m ⊙ m_{t−1}]
  ELM_HD int hIn() const { return dTree + dM; }
  // hidden pre-activations (and activations) per sample
  ELM_HD int hidden() const { return lMlp * dMlp; }
  ELM_HD int layerIn(int l) const { return l == 0 ? hIn() : dMlp; }
  ELM_HD int layerOut(int l) const { return l == lMlp ? dM : dMlp; }
  // what BPTT keeps per (b,t,i): b_t, m_t, pre, post, Δm
  ELM_HD index_t savedPerSample() const { return static_cast<index_t>(dTree) + 2 * dM + 2 * hidden(); }
  ELM_HD index_t savedLength() const { return static_cast<index_t>(B) * T * N * savedPerSample(); }
  // scratch per sample (one thread): forward [h0 ; out], backward [h0 ; dh0 ; dout ; dm ; 2·dMlp]
  ELM_HD int forwardScratch() const { return hIn() + dM; }
  ELM_HD int backwardScratch() const { return 2 * hIn() + 2 * dM + 2 * dMlp; }
  // parameters per neuron (gradient slot layout, see NetworkGradSlot)
  ELM_HD index_t mlpParams(int l) const { return static_cast<index_t>(layerOut(l)) * layerIn(l) + layerOut(l); }
  ELM_HD index_t paramsPerNeuron() const {
    index_t p = kc() + dTree + 2 * dM + static_cast<index_t>(dAxon) * dM + dAxon;
    for (int l = 0; l <= lMlp; ++l) p += mlpParams(l);
    return p;
  }
  ELM_HD index_t slotLength() const { return static_cast<index_t>(N) * paramsPerNeuron(); }
  // Index of sample (b, t, i) in the saved sequences: time-major [T,B,N], so the
  // rows of one step are contiguous; the same sample one step earlier is − B·N.
  ELM_HD index_t sample(int b, int t, int i) const {
    return (static_cast<index_t>(t) * B + b) * N + i;
  }
  ELM_HD index_t stepStride() const { return static_cast<index_t>(B) * N; }
};

template <class T>
struct NetworkInputs {
  const T* x = nullptr;
  const std::int32_t* src = nullptr;
  const T* w = nullptr;
  const T* kappaB = nullptr;
  const T* kappaM = nullptr;
  const T* gain = nullptr;
  const T* mlpW[kMaxMlpLayers] = {};
  const T* mlpB[kMaxMlpLayers] = {};
  const T* wY = nullptr;
  const T* bY = nullptr;
  const T* b0 = nullptr;  // null = 0
  const T* m0 = nullptr;
  const T* y0 = nullptr;
};

// Views into the one saved buffer [savedLength] plus the output y.
template <class T>
struct NetworkSaved {
  T* b;       // [T,B,N,dTree]  (time-major, see NetworkDims::sample)
  T* m;       // [T,B,N,dM]
  T* pre;     // [T,B,N,lMlp·dMlp]
  T* post;    // [T,B,N,lMlp·dMlp]
  T* deltaM;  // [T,B,N,dM]
  T* y;       // [B,T,N·dAxon] (the forward output)
};

template <class T>
ELM_HD NetworkSaved<T> network_saved_views(const NetworkDims& d, T* buf, T* y) {
  const index_t S = static_cast<index_t>(d.B) * d.T * d.N;
  NetworkSaved<T> s;
  s.b = buf;
  s.m = s.b + S * d.dTree;
  s.pre = s.m + S * d.dM;
  s.post = s.pre + S * d.hidden();
  s.deltaM = s.post + S * d.hidden();
  s.y = y;
  return s;
}

// Gradients of one neuron's parameters inside a gradient slot (a full copy of
// the network's parameter gradients that one worker owns; slots are summed at the end).
template <class T>
struct NetworkGradSlot {
  T* w;       // [kc]
  T* kappaB;  // [dTree]
  T* kappaM;  // [dM]
  T* gain;    // [dM]
  T* wY;      // [dAxon,dM]
  T* bY;      // [dAxon]
  MlpGrads<T> mlp;
};

// Slot layout: per neuron, [w | kappaB | kappaM | gain | wY | bY | (mlpW[l] | mlpB[l])_l].
template <class T>
ELM_HD NetworkGradSlot<T> network_grad_slot(const NetworkDims& d, T* slot, int i) {
  NetworkGradSlot<T> g;
  T* p = slot + static_cast<index_t>(i) * d.paramsPerNeuron();
  g.w = p; p += d.kc();
  g.kappaB = p; p += d.dTree;
  g.kappaM = p; p += d.dM;
  g.gain = p; p += d.dM;
  g.wY = p; p += static_cast<index_t>(d.dAxon) * d.dM;
  g.bY = p; p += d.dAxon;
  for (int l = 0; l <= d.lMlp; ++l) {
    g.mlp.w[l] = p; p += static_cast<index_t>(d.layerOut(l)) * d.layerIn(l);
    g.mlp.b[l] = p; p += d.layerOut(l);
  }
  return g;
}

// Neuron i's MLP (ELM_SPEC §4: every neuron has its own).
template <class T>
ELM_HD MlpParams<T> network_mlp(const NetworkDims& d, const NetworkInputs<T>& p, int i) {
  MlpParams<T> mp;
  mp.in = d.hIn();
  mp.hidden = d.dMlp;
  mp.hidden_layers = d.lMlp;
  mp.out = d.dM;
  for (int l = 0; l <= d.lMlp; ++l) {
    mp.w[l] = p.mlpW[l] + static_cast<index_t>(i) * d.layerOut(l) * d.layerIn(l);
    mp.b[l] = p.mlpB[l] + static_cast<index_t>(i) * d.layerOut(l);
  }
  return mp;
}

// z_t[s] for row b at step t: x_t for s < dIn, else y_{t−1} (y0, or 0, at t = 0).
template <class T>
ELM_HD T network_z(const NetworkDims& d, const NetworkInputs<T>& p, const T* y, int b, int t, int s) {
  const index_t row = static_cast<index_t>(b) * d.T + t;
  if (s < d.dIn) return p.x[row * d.dIn + s];
  const int k = s - d.dIn;
  if (t > 0) return y[(row - 1) * d.dY() + k];
  return p.y0 ? p.y0[static_cast<index_t>(b) * d.dY() + k] : T(0);
}

// Forward of sample (b, t, i). Reads y_{t−1} of every neuron (s.y at t−1, or y0),
// writes b_t, m_t, pre, post, Δm and y^i_t. scratch: [forwardScratch()].
template <class T>
ELM_HD void network_forward_sample(const NetworkDims& d, const NetworkInputs<T>& p, const NetworkSaved<T>& s,
                                   int b, int t, int i, T* scratch) {
  const index_t row = static_cast<index_t>(b) * d.T + t;
  const index_t cur = d.sample(b, t, i);
  const index_t prev = cur - d.stepStride();  // valid when t > 0
  const index_t init = static_cast<index_t>(b) * d.N + i;
  const int kc = d.kc();
  const T* bPrev = t > 0 ? s.b + prev * d.dTree : (p.b0 ? p.b0 + init * d.dTree : nullptr);
  const T* mPrev = t > 0 ? s.m + prev * d.dM : (p.m0 ? p.m0 + init * d.dM : nullptr);
  const std::int32_t* src = p.src + static_cast<index_t>(i) * kc;
  const T* w = p.w + static_cast<index_t>(i) * kc;
  const T* kappaB = p.kappaB + static_cast<index_t>(i) * d.dTree;
  const T* kappaM = p.kappaM + static_cast<index_t>(i) * d.dM;
  const T* gain = p.gain + static_cast<index_t>(i) * d.dM;
  T* h0 = scratch;
  T* out = scratch + d.hIn();
  T* bNow = s.b + cur * d.dTree;
  // b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])
  for (int br = 0; br < d.dTree; ++br) {
    T u = T(0);
    for (int e = 0; e < d.dBrch; ++e) {
      const int j = br * d.dBrch + e;
      u += w[j] * network_z(d, p, s.y, b, t, src[j]);
    }
    const T bt = (bPrev ? kappaB[br] * bPrev[br] : T(0)) + u;
    bNow[br] = bt;
    h0[br] = bt;
  }
  for (int k = 0; k < d.dM; ++k) h0[d.dTree + k] = mPrev ? kappaM[k] * mPrev[k] : T(0);
  const MlpParams<T> mp = network_mlp(d, p, i);
  mlp_forward(mp, d.act, h0, s.pre + cur * d.hidden(), s.post + cur * d.hidden(), out);
  // m_t = κ_m ⊙ m_{t−1} + gain ⊙ ctanh(out)
  T* mNow = s.m + cur * d.dM;
  T* dlt = s.deltaM + cur * d.dM;
  for (int k = 0; k < d.dM; ++k) {
    dlt[k] = ctanh(out[k]);
    mNow[k] = h0[d.dTree + k] + gain[k] * dlt[k];
  }
  // y^i_t = W_y m_t + b_y
  const T* wY = p.wY + static_cast<index_t>(i) * d.dAxon * d.dM;
  T* yNow = s.y + row * d.dY() + static_cast<index_t>(i) * d.dAxon;
  for (int a = 0; a < d.dAxon; ++a) {
    T acc = p.bY[static_cast<index_t>(i) * d.dAxon + a];
    for (int k = 0; k < d.dM; ++k) acc += wY[static_cast<index_t>(a) * d.dM + k] * mNow[k];
    yNow[a] = acc;
  }
}

// Backward of sample (b, t, i), steps taken from T−1 down to 0.
//   dY   [B,T,dY]  upstream ∂L/∂y (direct)
//   dYc  [B,dY]    ∂L/∂y_t through z_{t+1} (read)
//   dBc  [B,N,dTree], dMc [B,N,dM]: ∂L/∂b_t, ∂L/∂m_t through step t+1; replaced by
//                  those of b_{t−1}, m_{t−1} (this sample's slice only)
//   dbStep [B,N,dTree]: ∂L/∂b_t (total), read by network_dz (the z gather)
// Parameter gradients are added into g (this neuron's part of a slot).
template <class T>
ELM_HD void network_backward_sample(const NetworkDims& d, const NetworkInputs<T>& p, const NetworkSaved<T>& s,
                                    const T* dY, const T* dYc, T* dBc, T* dMc, T* dbStep,
                                    const NetworkGradSlot<T>& g, int b, int t, int i, T* scratch) {
  const index_t row = static_cast<index_t>(b) * d.T + t;
  const index_t cur = d.sample(b, t, i);
  const index_t prev = cur - d.stepStride();
  const index_t init = static_cast<index_t>(b) * d.N + i;
  const int kc = d.kc();
  const T* bPrev = t > 0 ? s.b + prev * d.dTree : (p.b0 ? p.b0 + init * d.dTree : nullptr);
  const T* mPrev = t > 0 ? s.m + prev * d.dM : (p.m0 ? p.m0 + init * d.dM : nullptr);
  const T* kappaB = p.kappaB + static_cast<index_t>(i) * d.dTree;
  const T* kappaM = p.kappaM + static_cast<index_t>(i) * d.dM;
  const T* gain = p.gain + static_cast<index_t>(i) * d.dM;
  const T* mNow = s.m + cur * d.dM;
  const T* dlt = s.deltaM + cur * d.dM;
  T* h0 = scratch;
  T* dh0 = h0 + d.hIn();
  T* dout = dh0 + d.hIn();
  T* dm = dout + d.dM;
  T* mlpScratch = dm + d.dM;
  T* dMci = dMc + init * d.dM;
  T* dBci = dBc + init * d.dTree;
  // y_t = W_y m_t + b_y
  for (int k = 0; k < d.dM; ++k) dm[k] = dMci[k];
  const T* wY = p.wY + static_cast<index_t>(i) * d.dAxon * d.dM;
  for (int a = 0; a < d.dAxon; ++a) {
    const index_t q = static_cast<index_t>(i) * d.dAxon + a;
    const T gy = dY[row * d.dY() + q] + dYc[static_cast<index_t>(b) * d.dY() + q];
    g.bY[a] += gy;
    for (int k = 0; k < d.dM; ++k) {
      g.wY[static_cast<index_t>(a) * d.dM + k] += gy * mNow[k];
      dm[k] += gy * wY[static_cast<index_t>(a) * d.dM + k];
    }
  }
  // m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm, Δm = ctanh(out)
  for (int k = 0; k < d.dM; ++k) {
    g.gain[k] += dm[k] * dlt[k];
    dout[k] = dm[k] * gain[k] * ctanh_grad_from_output(dlt[k]);
  }
  for (int br = 0; br < d.dTree; ++br) h0[br] = s.b[cur * d.dTree + br];
  for (int k = 0; k < d.dM; ++k) h0[d.dTree + k] = mPrev ? kappaM[k] * mPrev[k] : T(0);
  const MlpParams<T> mp = network_mlp(d, p, i);
  mlp_backward(mp, d.act, h0, s.pre + cur * d.hidden(), s.post + cur * d.hidden(), dout, g.mlp, dh0, mlpScratch);
  // κ_m ⊙ m_{t−1} feeds both the MLP input and m_t
  for (int k = 0; k < d.dM; ++k) {
    const T gmk = dh0[d.dTree + k] + dm[k];
    if (mPrev) g.kappaM[k] += gmk * mPrev[k];
    dMci[k] = gmk * kappaM[k];
  }
  // b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])
  const std::int32_t* src = p.src + static_cast<index_t>(i) * kc;
  T* dbNow = dbStep + init * d.dTree;
  for (int br = 0; br < d.dTree; ++br) {
    const T db = dh0[br] + dBci[br];
    if (bPrev) g.kappaB[br] += db * bPrev[br];
    dBci[br] = db * kappaB[br];
    dbNow[br] = db;
    for (int e = 0; e < d.dBrch; ++e) {
      const int j = br * d.dBrch + e;
      g.w[j] += db * network_z(d, p, s.y, b, t, src[j]);
    }
  }
}

// ∂L/∂z_t[k] for row b: Σ over the synapses (i, j) reading z[k] of w[i,j]·∂L/∂b^i_t[⌊j/dBrch⌋].
// readers: the synapse ids q = i·kc + j grouped by the z entry they read (CSR, see
// network_host.h); readerBranch: i·dTree + ⌊j/dBrch⌋ of each (no division here).
template <class T>
ELM_HD T network_dz(const NetworkDims& d, const NetworkInputs<T>& p, const std::int32_t* readerStart,
                    const std::int32_t* readers, const std::int32_t* readerBranch, const T* dbStep, int b, int k) {
  T acc = T(0);
  const T* db = dbStep + static_cast<index_t>(b) * d.N * d.dTree;
  for (std::int32_t r = readerStart[k]; r < readerStart[k + 1]; ++r) acc += p.w[readers[r]] * db[readerBranch[r]];
  return acc;
}

// Writes ∂L/∂z_t[k] where it belongs: dx[b,t,k] (k < dIn) or dYc[b, k−dIn] (∂L/∂y_{t−1}).
template <class T>
ELM_HD void network_dz_store(const NetworkDims& d, T value, T* dx, T* dYc, int b, int t, int k) {
  if (k < d.dIn) dx[(static_cast<index_t>(b) * d.T + t) * d.dIn + k] = value;
  else dYc[static_cast<index_t>(b) * d.dY() + (k - d.dIn)] = value;
}

}  // namespace elm
