// CUDA launchers of the fused ELM neuron (host arrays in and out: each call
// copies its inputs to the device, runs the kernels, copies the results back).
// Declarations use plain C++ types so the N-API binding compiles with the
// host compiler.
#pragma once
#include "elm/neuron.h"

namespace elm::cuda {

template <class T>
void elm_neuron_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT, T* mT);

template <class T>
void elm_neuron_backward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dM,
                         const T* dTraceT, const T* dMT, const NeuronGrads<T>& g);

}  // namespace elm::cuda
