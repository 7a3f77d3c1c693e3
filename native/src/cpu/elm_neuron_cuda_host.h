// The CUDA kernels' thread bodies (elm/neuron_cuda.h) run on the host over the
// same launch grid — blocks one after another (or in parallel: they are
// independent), and inside a block every thread's share of a phase before
// the next phase, which is what __syncthreads() guarantees on the device.
// Used by tests to check the CUDA code path where no GPU is attached.
#pragma once
#include "elm/neuron.h"

namespace elm::cpu {

template <class T>
void elm_neuron_forward_cuda_bodies(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT,
                                    T* mT, int threads_per_block);

template <class T>
void elm_neuron_backward_cuda_bodies(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dM,
                                     const T* dTraceT, const T* dMT, const NeuronGrads<T>& g, int threads_per_block);

}  // namespace elm::cpu
