#include "cpu/elm_neuron_cuda_host.h"

#include <vector>

#include "cpu/parallel.h"
#include "elm/neuron_cuda.h"

namespace elm::cpu {

template <class T>
void elm_neuron_forward_cuda_bodies(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT,
                                    T* mT, int nt) {
  const int phases = neuron_fwd_phases(d);
  index_t off[kMaxMlpLayers] = {};
  const std::vector<T> wt_buf = transpose_mlp_weights(d, in, off);
  MlpWeightsT<T> wt;
  for (int l = 0; l <= d.lMlp; ++l) wt.w[l] = wt_buf.data() + off[l];
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    std::vector<T> shared(neuron_fwd_shared_elems(d));
    for (index_t b = b0; b < b1; ++b) {  // blockIdx.x = b
      for (index_t t = 0; t < d.T; ++t)
        for (int p = 0; p < phases; ++p)  // __syncthreads() between phases
          for (int tid = 0; tid < nt; ++tid) neuron_fwd_phase<T>(p, d, in, wt, sv, b, t, tid, nt, shared.data());
      for (int tid = 0; tid < nt; ++tid) neuron_fwd_final<T>(d, sv, b, tid, nt, traceT, mT);
    }
  });
}

template <class T>
void elm_neuron_backward_cuda_bodies(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dM,
                                     const T* dTraceT, const T* dMT, const NeuronGrads<T>& g, int nt) {
  const NeuronPartialLayout lay = neuron_partial_layout(d);
  std::vector<T> partial(static_cast<size_t>(d.B * lay.size), T(0)), carry(static_cast<size_t>(d.B) * d.dTr()),
      gs(static_cast<size_t>(d.B) * d.dS);
  std::vector<int> ptr(d.dIn + 1), syn(d.dS);
  neuron_route_csr(d, in.route, ptr.data(), syn.data());
  const NeuronRouteCsr csr{ptr.data(), syn.data()};
  const NeuronBwdScratch<T> sc{partial.data(), carry.data(), gs.data()};
  const NeuronUpstream<T> up{dM, dTraceT, dMT};
  const int phases = neuron_bwd_phases(d);
  // launch 1: one block per sample
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    std::vector<T> shared(neuron_bwd_shared_elems(d));
    for (index_t b = b0; b < b1; ++b) {
      for (int tid = 0; tid < nt; ++tid) neuron_bwd_init<T>(d, up, sc, b, tid, nt, shared.data());
      for (index_t t = d.T - 1; t >= 0; --t)
        for (int p = 0; p < phases; ++p)
          for (int tid = 0; tid < nt; ++tid) neuron_bwd_phase<T>(p, d, in, sv, up, csr, sc, g.dx, b, t, tid, nt, shared.data());
      for (int tid = 0; tid < nt; ++tid) neuron_bwd_final<T>(d, sc, g, b, tid, nt, shared.data());
    }
  });
  // launch 2: one thread per gradient element
  for (index_t e = 0; e < lay.size; ++e) neuron_bwd_reduce_element<T>(d, sc, g, e);
}

template void elm_neuron_forward_cuda_bodies<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&,
                                                    float*, float*, int);
template void elm_neuron_forward_cuda_bodies<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&,
                                                     double*, double*, int);
template void elm_neuron_backward_cuda_bodies<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&,
                                                     const float*, const float*, const float*, const NeuronGrads<float>&, int);
template void elm_neuron_backward_cuda_bodies<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&,
                                                      const double*, const double*, const double*, const NeuronGrads<double>&, int);

}  // namespace elm::cpu
