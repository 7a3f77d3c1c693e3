// The CUDA ELM Network kernels as functions of (block, thread) over explicit
// buffers, host+device: src/cuda/elm_network.cu launches them, and the host test
// (elm_network_*_cuda_bodies in elm_cpu.node) runs them over the same grid,
// phase by phase (one phase = one kernel launch), so the CUDA code path is
// checked where no GPU is attached.
//
// Per step t (forward):      phase F  — one thread per sample (b, i)
// Per step t (backward, T−1 → 0):
//                            phase A  — one thread per sample (b, i): BPTT of the neuron
//                            phase Z  — one thread per (b, k), k < dZ: ∂L/∂z_t gather
// After the loop:            phase R  — one thread per parameter: sum the per-row gradient slots
//
// A thread's sample index q = block·blockDim + thread; b = q mod B (so a warp's
// threads share neuron i and read the same weights), i = q / B.
// `shared` is the block's scratch: blockDim slices of forwardScratch() /
// backwardScratch() elements (shared memory on the device).
#pragma once
#include "elm/network.h"

namespace elm {

// Everything one backward step reads and writes, on the device (or the host).
template <class T>
struct NetworkBackwardBuffers {
  const T* dY;                // [B,T,dY]
  T* dYc;                     // [B,dY] ∂L/∂y_t through z_{t+1}
  T* dBc;                     // [B,N,dTree]
  T* dMc;                     // [B,N,dM]
  T* dbStep;                  // [B,N,dTree]
  T* slots;                   // [B, slotLength]: row b's parameter gradients
  T* dx;                      // [B,T,dIn]
  const std::int32_t* readerStart;  // [dZ+1]
  const std::int32_t* readers;      // [N·kc]
};

ELM_HD index_t network_samples(const NetworkDims& d) { return static_cast<index_t>(d.B) * d.N; }

template <class T>
ELM_HD void network_forward_body(const NetworkDims& d, const NetworkInputs<T>& p, const NetworkSaved<T>& s, int t,
                                 int block, int thread, int blockDim, T* shared) {
  const index_t q = static_cast<index_t>(block) * blockDim + thread;
  if (q >= network_samples(d)) return;
  const int b = static_cast<int>(q % d.B), i = static_cast<int>(q / d.B);
  network_forward_sample(d, p, s, b, t, i, shared + static_cast<index_t>(thread) * d.forwardScratch());
}

template <class T>
ELM_HD void network_backward_body(const NetworkDims& d, const NetworkInputs<T>& p, const NetworkSaved<T>& s,
                                  const NetworkBackwardBuffers<T>& g, int t, int block, int thread, int blockDim,
                                  T* shared) {
  const index_t q = static_cast<index_t>(block) * blockDim + thread;
  if (q >= network_samples(d)) return;
  const int b = static_cast<int>(q % d.B), i = static_cast<int>(q / d.B);
  network_backward_sample(d, p, s, g.dY, g.dYc, g.dBc, g.dMc, g.dbStep,
                          network_grad_slot(d, g.slots + static_cast<index_t>(b) * d.slotLength(), i), b, t, i,
                          shared + static_cast<index_t>(thread) * d.backwardScratch());
}

template <class T>
ELM_HD void network_dz_body(const NetworkDims& d, const NetworkInputs<T>& p, const NetworkBackwardBuffers<T>& g, int t,
                            int block, int thread, int blockDim) {
  const index_t q = static_cast<index_t>(block) * blockDim + thread;
  if (q >= static_cast<index_t>(d.B) * d.dZ()) return;
  const int b = static_cast<int>(q / d.dZ()), k = static_cast<int>(q % d.dZ());
  network_dz_store(d, network_dz(d, p, g.readerStart, g.readers, g.dbStep, b, k), g.dx, g.dYc, b, t, k);
}

// slots[0][q] ← Σ_b slots[b][q]
template <class T>
ELM_HD void network_reduce_slots_body(const NetworkDims& d, T* slots, int block, int thread, int blockDim) {
  const index_t q = static_cast<index_t>(block) * blockDim + thread;
  const index_t len = d.slotLength();
  if (q >= len) return;
  T acc = slots[q];
  for (int b = 1; b < d.B; ++b) acc += slots[static_cast<index_t>(b) * len + q];
  slots[q] = acc;
}

}  // namespace elm
