// The CUDA ELM Network kernels' thread bodies (elm/network_cuda_bodies.h) run on
// the host over the launch grid src/cuda/elm_network.cu uses, one phase (kernel
// launch) at a time: every thread of a phase finishes before the next phase,
// as on the device. Single-threaded; for tests.
#include <cstring>
#include <vector>

#include "cpu/elm_network.h"
#include "elm/network_cuda_bodies.h"

namespace elm::cpu {
namespace {

constexpr int kBlock = 64;  // threads per block (the CUDA wrapper's choice is checked against the same bodies)

int blocks_for(index_t n) { return static_cast<int>((n + kBlock - 1) / kBlock); }

}  // namespace

template <class T>
void elm_network_forward_cuda_bodies(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT,
                                     T* saved) {
  const NetworkSaved<T> s = network_saved_views(d, saved, y);
  std::vector<T> shared(static_cast<size_t>(kBlock) * d.forwardScratch());
  const int blocks = blocks_for(network_samples(d));
  for (int t = 0; t < d.T; ++t)
    for (int blk = 0; blk < blocks; ++blk)
      for (int th = 0; th < kBlock; ++th) network_forward_body(d, p, s, t, blk, th, kBlock, shared.data());
  network_final_states(d, saved, y, bT, mT, yT);
}

template <class T>
void elm_network_backward_cuda_bodies(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                                      const T* dY, const T* dBT, const T* dMT, const T* dYT,
                                      const NetworkGradOut<T>& out) {
  const NetworkSaved<T> s = network_saved_views(d, const_cast<T*>(saved), const_cast<T*>(y));
  const NetworkReaders rd = network_readers(d, p.src);
  const index_t nB = static_cast<index_t>(d.B) * d.N * d.dTree, nM = static_cast<index_t>(d.B) * d.N * d.dM,
                nY = static_cast<index_t>(d.B) * d.dY();
  std::vector<T> dBc(nB, T(0)), dMc(nM, T(0)), dYc(nY, T(0)), dbStep(nB, T(0));
  if (dBT) std::memcpy(dBc.data(), dBT, sizeof(T) * nB);
  if (dMT) std::memcpy(dMc.data(), dMT, sizeof(T) * nM);
  if (dYT) std::memcpy(dYc.data(), dYT, sizeof(T) * nY);
  std::vector<T> slots(static_cast<size_t>(d.B * d.slotLength()), T(0));
  const NetworkBackwardBuffers<T> g{dY, dYc.data(), dBc.data(), dMc.data(), dbStep.data(), slots.data(), out.dx,
                                    rd.start.data(), rd.readers.data()};
  std::vector<T> shared(static_cast<size_t>(kBlock) * d.backwardScratch());
  const int blocksA = blocks_for(network_samples(d));
  const int blocksZ = blocks_for(static_cast<index_t>(d.B) * d.dZ());
  for (int t = d.T - 1; t >= 0; --t) {
    for (int blk = 0; blk < blocksA; ++blk)
      for (int th = 0; th < kBlock; ++th) network_backward_body(d, p, s, g, t, blk, th, kBlock, shared.data());
    for (int blk = 0; blk < blocksZ; ++blk)
      for (int th = 0; th < kBlock; ++th) network_dz_body(d, p, g, t, blk, th, kBlock);
  }
  const int blocksR = blocks_for(d.slotLength());
  for (int blk = 0; blk < blocksR; ++blk)
    for (int th = 0; th < kBlock; ++th) network_reduce_slots_body(d, slots.data(), blk, th, kBlock);
  network_unpack_slot(d, slots.data(), out);
  std::memcpy(out.dB0, dBc.data(), sizeof(T) * nB);
  std::memcpy(out.dM0, dMc.data(), sizeof(T) * nM);
  std::memcpy(out.dY0, dYc.data(), sizeof(T) * nY);
}

template void elm_network_forward_cuda_bodies<float>(const NetworkDims&, const NetworkInputs<float>&, float*, float*,
                                                     float*, float*, float*);
template void elm_network_forward_cuda_bodies<double>(const NetworkDims&, const NetworkInputs<double>&, double*,
                                                      double*, double*, double*, double*);
template void elm_network_backward_cuda_bodies<float>(const NetworkDims&, const NetworkInputs<float>&, const float*,
                                                      const float*, const float*, const float*, const float*,
                                                      const float*, const NetworkGradOut<float>&);
template void elm_network_backward_cuda_bodies<double>(const NetworkDims&, const NetworkInputs<double>&,
                                                       const double*, const double*, const double*, const double*,
                                                       const double*, const double*, const NetworkGradOut<double>&);

}  // namespace elm::cpu
