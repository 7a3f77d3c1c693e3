// CPU ELM Network kernel (ELM_SPEC §4): whole-sequence forward and BPTT,
// threaded over batch rows (every row of a chunk runs the whole sequence; the
// rows of the network's steps are independent, so no barrier per step).
#pragma once
#include "elm/network.h"
#include "elm/network_host.h"

namespace elm::cpu {

// saved: [d.savedLength()] (opaque to the caller); y [B,T,N·dAxon]; bT, mT, yT final states.
template <class T>
void elm_network_forward(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved);

// dBT, dMT, dYT may be null (= 0). out.dx may be null: dL/dx is then not stored.
// Every other output of `out` is overwritten (every element).
template <class T>
void elm_network_backward(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                          const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out);

// The CUDA kernels' thread bodies (elm/network_cuda_bodies.h) run on the host over
// their launch grid, phase by phase, with the same interface: the host test of
// the CUDA code path where no GPU is attached.
template <class T>
void elm_network_forward_cuda_bodies(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT,
                                     T* saved);
template <class T>
void elm_network_backward_cuda_bodies(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                                      const T* dY, const T* dBT, const T* dMT, const T* dYT,
                                      const NetworkGradOut<T>& out);

}  // namespace elm::cpu
