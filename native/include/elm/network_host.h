// Host-only helpers of the ELM Network kernels (CPU and CUDA launchers): the
// synapses grouped by the z entry they read (compressed sparse rows), so
// ∂L/∂z_t is a gather (network_dz) instead of a scatter that several neurons
// would race on; gradient slots summed and unpacked; final states.
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

#include "elm/network.h"

namespace elm {

struct NetworkReaders {
  std::vector<std::int32_t> start;    // [dZ+1]
  std::vector<std::int32_t> readers;  // [N·kc] synapse ids i·kc + j, by z entry then id
  std::vector<std::int32_t> branch;   // [N·kc] i·dTree + ⌊j/dBrch⌋ of each reader
};

// src must already be checked to lie in [0, dZ).
inline NetworkReaders network_readers(const NetworkDims& d, const std::int32_t* src) {
  const std::int64_t n = static_cast<std::int64_t>(d.N) * d.kc();
  NetworkReaders r;
  r.start.assign(static_cast<size_t>(d.dZ()) + 1, 0);
  r.readers.resize(static_cast<size_t>(n));
  for (std::int64_t q = 0; q < n; ++q) ++r.start[static_cast<size_t>(src[q]) + 1];
  for (int k = 0; k < d.dZ(); ++k) r.start[k + 1] += r.start[k];
  std::vector<std::int32_t> fill(r.start.begin(), r.start.end() - 1);
  for (std::int64_t q = 0; q < n; ++q) r.readers[static_cast<size_t>(fill[src[q]]++)] = static_cast<std::int32_t>(q);
  r.branch.resize(static_cast<size_t>(n));
  for (std::int64_t e = 0; e < n; ++e) {
    const std::int32_t q = r.readers[static_cast<size_t>(e)];
    r.branch[static_cast<size_t>(e)] = (q / d.kc()) * d.dTree + (q % d.kc()) / d.dBrch;
  }
  return r;
}

// Where elmNetworkBackward writes its gradients (every pointer non-null).
template <class T>
struct NetworkGradOut {
  T* dx;       // [B,T,dIn]
  T* dW;       // [N,kc]
  T* dKappaB;  // [N,dTree]
  T* dKappaM;  // [N,dM]
  T* dGain;    // [N,dM]
  T* dMlpW[kMaxMlpLayers];
  T* dMlpB[kMaxMlpLayers];
  T* dWY;      // [N,dAxon,dM]
  T* dBY;      // [N,dAxon]
  T* dB0;      // [B,N,dTree]
  T* dM0;      // [B,N,dM]
  T* dY0;      // [B,N·dAxon]
};

// Copies the parameter gradients out of a (summed) slot into the output arrays.
template <class T>
void network_unpack_slot(const NetworkDims& d, T* slot, const NetworkGradOut<T>& out) {
  auto copy = [](T* dst, const T* src, std::int64_t n) { std::memcpy(dst, src, sizeof(T) * static_cast<size_t>(n)); };
  for (int i = 0; i < d.N; ++i) {
    const NetworkGradSlot<T> g = network_grad_slot(d, slot, i);
    copy(out.dW + static_cast<std::int64_t>(i) * d.kc(), g.w, d.kc());
    copy(out.dKappaB + static_cast<std::int64_t>(i) * d.dTree, g.kappaB, d.dTree);
    copy(out.dKappaM + static_cast<std::int64_t>(i) * d.dM, g.kappaM, d.dM);
    copy(out.dGain + static_cast<std::int64_t>(i) * d.dM, g.gain, d.dM);
    copy(out.dWY + static_cast<std::int64_t>(i) * d.dAxon * d.dM, g.wY, static_cast<std::int64_t>(d.dAxon) * d.dM);
    copy(out.dBY + static_cast<std::int64_t>(i) * d.dAxon, g.bY, d.dAxon);
    for (int l = 0; l <= d.lMlp; ++l) {
      const std::int64_t nw = static_cast<std::int64_t>(d.layerOut(l)) * d.layerIn(l);
      copy(out.dMlpW[l] + i * nw, g.mlp.w[l], nw);
      copy(out.dMlpB[l] + static_cast<std::int64_t>(i) * d.layerOut(l), g.mlp.b[l], d.layerOut(l));
    }
  }
}

// b_T, m_T, y_T out of the saved sequences.
template <class T>
void network_final_states(const NetworkDims& d, const T* saved, const T* y, T* bT, T* mT, T* yT) {
  const NetworkSaved<T> s = network_saved_views(d, const_cast<T*>(saved), const_cast<T*>(y));
  for (int b = 0; b < d.B; ++b) {
    const std::int64_t last = d.sample(b, d.T - 1, 0);  // the N neurons of (b, T−1) are contiguous
    const std::int64_t lastRow = static_cast<std::int64_t>(b) * d.T + d.T - 1;
    std::memcpy(bT + static_cast<std::int64_t>(b) * d.N * d.dTree, s.b + last * d.dTree, sizeof(T) * d.N * d.dTree);
    std::memcpy(mT + static_cast<std::int64_t>(b) * d.N * d.dM, s.m + last * d.dM, sizeof(T) * d.N * d.dM);
    std::memcpy(yT + static_cast<std::int64_t>(b) * d.dY(), y + lastRow * d.dY(), sizeof(T) * d.dY());
  }
}

}  // namespace elm
