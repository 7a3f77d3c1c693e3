// CUDA ELM Network kernel (ELM_SPEC §4): host arrays in and out (copied to the
// device and back), one launch per step and phase; the thread bodies are
// elm/network_cuda_bodies.h. Plain C++ declarations, so the N-API binding
// compiles with the host compiler.
#pragma once
#include "elm/network.h"
#include "elm/network_host.h"

namespace elm::cuda {

template <class T>
void elm_network_forward_cuda(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved);

template <class T>
void elm_network_backward_cuda(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                               const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out);

}  // namespace elm::cuda
