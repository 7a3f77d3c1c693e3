// CPU ELM Network kernel: see elm_network.h. The math of one sample is
// elm/network.h (shared with CUDA); this file only schedules it.
#include "cpu/elm_network.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/parallel.h"

namespace elm::cpu {
namespace {

// Batch rows split into contiguous chunks, one per worker.
struct Chunks {
  int count, rows;
};
Chunks batch_chunks(int B) {
  const int n = std::max(1, std::min(B, num_threads()));
  const int rows = (B + n - 1) / n;
  return {(B + rows - 1) / rows, rows};
}

}  // namespace

template <class T>
void elm_network_forward(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved) {
  const NetworkSaved<T> s = network_saved_views(d, saved, y);
  const Chunks ch = batch_chunks(d.B);
  parallel_for(ch.count, 1, [&](std::int64_t c0, std::int64_t c1) {
    std::vector<T> scratch(static_cast<size_t>(d.forwardScratch()));
    for (std::int64_t c = c0; c < c1; ++c) {
      const int b0 = static_cast<int>(c) * ch.rows, b1 = std::min(d.B, b0 + ch.rows);
      for (int t = 0; t < d.T; ++t)
        for (int b = b0; b < b1; ++b)
          for (int i = 0; i < d.N; ++i) network_forward_sample(d, p, s, b, t, i, scratch.data());
    }
  });
  network_final_states(d, saved, y, bT, mT, yT);
}

template <class T>
void elm_network_backward(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                          const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out) {
  const NetworkSaved<T> s = network_saved_views(d, const_cast<T*>(saved), const_cast<T*>(y));
  const NetworkReaders rd = network_readers(d, p.src);
  const Chunks ch = batch_chunks(d.B);
  const std::int64_t slotLen = d.slotLength();
  std::vector<T> slots(static_cast<size_t>(ch.count * slotLen), T(0));
  const std::int64_t nB = static_cast<std::int64_t>(d.B) * d.N * d.dTree;
  const std::int64_t nM = static_cast<std::int64_t>(d.B) * d.N * d.dM;
  const std::int64_t nY = static_cast<std::int64_t>(d.B) * d.dY();
  // the carried gradients live in the outputs dB0, dM0, dY0 (they end as those)
  if (dBT) std::memcpy(out.dB0, dBT, sizeof(T) * nB); else std::fill(out.dB0, out.dB0 + nB, T(0));
  if (dMT) std::memcpy(out.dM0, dMT, sizeof(T) * nM); else std::fill(out.dM0, out.dM0 + nM, T(0));
  if (dYT) std::memcpy(out.dY0, dYT, sizeof(T) * nY); else std::fill(out.dY0, out.dY0 + nY, T(0));
  std::vector<T> dbStep(static_cast<size_t>(nB), T(0));
  parallel_for(ch.count, 1, [&](std::int64_t c0, std::int64_t c1) {
    std::vector<T> scratch(static_cast<size_t>(d.backwardScratch()));
    for (std::int64_t c = c0; c < c1; ++c) {
      T* slot = slots.data() + c * slotLen;
      const int b0 = static_cast<int>(c) * ch.rows, b1 = std::min(d.B, b0 + ch.rows);
      for (int t = d.T - 1; t >= 0; --t) {
        for (int b = b0; b < b1; ++b) {
          for (int i = 0; i < d.N; ++i) {
            network_backward_sample(d, p, s, dY, out.dY0, out.dB0, out.dM0, dbStep.data(),
                                    network_grad_slot(d, slot, i), b, t, i, scratch.data());
          }
          // ∂L/∂z_t: dx[b,t,:] and ∂L/∂y_{t−1} (read by step t−1)
          for (int k = 0; k < d.dZ(); ++k) {
            network_dz_store(d, network_dz(d, p, rd.start.data(), rd.readers.data(), dbStep.data(), b, k), out.dx,
                             out.dY0, b, t, k);
          }
        }
      }
    }
  });
  // sum the slots into slot 0, in parallel over parameters
  parallel_for(slotLen, 4096, [&](std::int64_t q0, std::int64_t q1) {
    for (int c = 1; c < ch.count; ++c) {
      const T* src = slots.data() + c * slotLen;
      for (std::int64_t q = q0; q < q1; ++q) slots[q] += src[q];
    }
  });
  network_unpack_slot(d, slots.data(), out);
}

template void elm_network_forward<float>(const NetworkDims&, const NetworkInputs<float>&, float*, float*, float*,
                                         float*, float*);
template void elm_network_forward<double>(const NetworkDims&, const NetworkInputs<double>&, double*, double*,
                                          double*, double*, double*);
template void elm_network_backward<float>(const NetworkDims&, const NetworkInputs<float>&, const float*,
                                          const float*, const float*, const float*, const float*, const float*,
                                          const NetworkGradOut<float>&);
template void elm_network_backward<double>(const NetworkDims&, const NetworkInputs<double>&, const double*,
                                           const double*, const double*, const double*, const double*,
                                           const double*, const NetworkGradOut<double>&);

}  // namespace elm::cpu
