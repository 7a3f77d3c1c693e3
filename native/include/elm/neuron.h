// The fused ELM neuron (ELM_SPEC §2 "v1", §3 "v2"): dimensions, argument
// bundles and the per-element math of one time step, shared by the CPU and
// CUDA kernels (docs/CONTRACTS.md §2). Layouts are row-major:
//   x [B,T,dIn]; trace [B,T,dTr] (dTr = dS for v1, dTree for v2);
//   z [B,T,dTree+dM] = MLP input [u_t ; κ_m ⊙ m_{t−1}];
//   pre, post [B,T,lMlp·dMlp] (hidden layer l at l·dMlp); deltaM, m [B,T,dM].
#pragma once
#include "elm/activations.h"
#include "elm/mlp.h"

namespace elm {

struct NeuronDims {
  int variant = 2;  // 1: per-synapse trace κ_s (§2); 2: per-branch trace κ_b (§3)
  index_t B = 0, T = 0;
  int dIn = 0, dS = 0, dTree = 0, dBrch = 0, dM = 0, dMlp = 0, lMlp = 1;
  Activation act = Activation::relu;

  ELM_HD int dTr() const { return variant == 1 ? dS : dTree; }
  ELM_HD int nZ() const { return dTree + dM; }
  ELM_HD int nH() const { return lMlp * dMlp; }
};

template <class T>
struct NeuronInputs {
  const T* x = nullptr;                 // [B,T,dIn]
  const std::int32_t* route = nullptr;  // [dS] or null (identity)
  const T* routeMask = nullptr;         // [dS] or null (all ones)
  const T* wS = nullptr;                // [dS]
  const T* kappaTrace = nullptr;        // [dTr]
  const T* kappaM = nullptr;            // [dM]
  const T* gain = nullptr;              // [dM]
  const T* mlpW[kMaxMlpLayers] = {};    // lMlp+1 layers [out,in]
  const T* mlpB[kMaxMlpLayers] = {};
  const T* trace0 = nullptr;            // [B,dTr] or null
  const T* m0 = nullptr;                // [B,dM] or null
};

// What the forward pass stores for BPTT (and m, its output).
template <class T>
struct NeuronSaved {
  T* trace = nullptr;   // [B,T,dTr]
  T* z = nullptr;       // [B,T,nZ]
  T* pre = nullptr;     // [B,T,nH]
  T* post = nullptr;    // [B,T,nH]
  T* deltaM = nullptr;  // [B,T,dM]
  T* m = nullptr;       // [B,T,dM]
};

template <class T>
struct NeuronGrads {
  T* dx = nullptr;           // [B,T,dIn]
  T* dWS = nullptr;          // [dS]
  T* dKappaTrace = nullptr;  // [dTr]
  T* dKappaM = nullptr;      // [dM]
  T* dGain = nullptr;        // [dM]
  T* dMlpW[kMaxMlpLayers] = {};
  T* dMlpB[kMaxMlpLayers] = {};
  T* dTrace0 = nullptr;  // [B,dTr]
  T* dM0 = nullptr;      // [B,dM]
};

template <class T>
MlpParams<T> neuron_mlp_params(const NeuronDims& d, const NeuronInputs<T>& in) {
  MlpParams<T> p;
  p.in = d.nZ();
  p.hidden = d.dMlp;
  p.hidden_layers = d.lMlp;
  p.out = d.dM;
  for (int l = 0; l <= d.lMlp; ++l) {
    p.w[l] = in.mlpW[l];
    p.b[l] = in.mlpB[l];
  }
  return p;
}

// r_j = routeMask_j · x_t[route_j]   (ELM_SPEC §1), xt = x + (b·T + t)·dIn
template <class T>
ELM_HD T routed_input(const NeuronInputs<T>& in, const T* xt, int j) {
  const T v = xt[in.route ? in.route[j] : j];
  return in.routeMask ? v * in.routeMask[j] : v;
}

// Index of the input that synapse j reads.
template <class T>
ELM_HD int route_source(const NeuronInputs<T>& in, int j) { return in.route ? in.route[j] : j; }

// m_t = a_t + gain ⊙ Δm_t, Δm_t = ctanh(o_t): writes Δm_t and returns m_t.
template <class T>
ELM_HD T memory_update(T a, T gain, T o, T* delta_m) {
  const T dm = ctanh(o);
  *delta_m = dm;
  return a + gain * dm;
}

// Backward of memory_update for one unit: given g = dL/dm_t, adds to dGain
// and returns dL/do_t.
template <class T>
ELM_HD T memory_update_backward(T g, T gain, T delta_m, T* d_gain) {
  *d_gain += g * delta_m;
  return g * gain * ctanh_grad_from_output(delta_m);
}

}  // namespace elm
