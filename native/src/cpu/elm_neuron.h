// CPU kernels of the fused ELM neuron (docs/CONTRACTS.md §2): whole-sequence
// forward storing what BPTT needs, and backward through time. Threaded over
// the batch with parallel_for; the MLP products are blocked for SIMD.
#pragma once
#include "elm/neuron.h"

namespace elm::cpu {

// Fills saved (trace, z, pre, post, deltaM, m) and the final state traceT [B,dTr], mT [B,dM].
template <class T>
void elm_neuron_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& saved, T* traceT, T* mT);

// Which synapse path the v2 branch sums and dL/dw_s take (results are the same
// bits either way; see elm_neuron.cpp): by the row's input density (auto), or
// forced, for tests and benchmarks. Process-wide.
enum class NeuronSynapsePath { kAuto, kDense, kSparse };
void set_neuron_synapse_path(NeuronSynapsePath path);
NeuronSynapsePath neuron_synapse_path();

// dM [B,T,dM]; dTraceT [B,dTr] and dMT [B,dM] may be null (zero). Overwrites every gradient in g;
// g.dx may be null (the input gradient is then not computed).
template <class T>
void elm_neuron_backward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& saved, const T* dM,
                         const T* dTraceT, const T* dMT, const NeuronGrads<T>& g);

}  // namespace elm::cpu
