// One sample's MLP of the ELM neuron (ELM_SPEC §2: W_p), host+device, plain
// loops over explicit buffers. Layout as PyTorch's nn.Linear: layer l has
// weight [out_l, in_l] row-major and bias [out_l]. `hidden_layers` hidden
// layers of width `hidden` with an activation, then a linear layer to `out`.
//
//   h_0 = input                         [in]
//   pre_l = W_l h_l + b_l, h_{l+1} = act(pre_l)   l < hidden_layers   [hidden]
//   out = W_L h_L + b_L                 L = hidden_layers             [out]
#pragma once
#include "elm/activations.h"

namespace elm {

// Linear layers at most (hidden layers + the output layer).
constexpr int kMaxMlpLayers = 16;

template <class T>
struct MlpParams {
  int in = 0;             // input width (layer 0's fan-in)
  int hidden = 0;         // hidden width (d_mlp)
  int hidden_layers = 0;  // l_mlp ≥ 1
  int out = 0;            // output width (d_m)
  const T* w[kMaxMlpLayers] = {};  // layer l weight [out_l, in_l]
  const T* b[kMaxMlpLayers] = {};  // layer l bias [out_l]
};

// Gradient buffers matching MlpParams; mlp_backward *adds* into them.
template <class T>
struct MlpGrads {
  T* w[kMaxMlpLayers] = {};
  T* b[kMaxMlpLayers] = {};
};

template <class T>
ELM_HD int mlp_layer_in(const MlpParams<T>& p, int l) { return l == 0 ? p.in : p.hidden; }
template <class T>
ELM_HD int mlp_layer_out(const MlpParams<T>& p, int l) { return l == p.hidden_layers ? p.out : p.hidden; }

// y[o] = b[o] + Σ_i W[o,i]·x[i]   (one linear layer, W [n_out, n_in])
template <class T>
ELM_HD void linear_forward(int n_in, int n_out, const T* W, const T* b, const T* x, T* y) {
  for (int o = 0; o < n_out; ++o) {
    const T* row = W + static_cast<index_t>(o) * n_in;
    T acc = b[o];
    for (int i = 0; i < n_in; ++i) acc += row[i] * x[i];
    y[o] = acc;
  }
}

// Forward of one sample. pre, post: [hidden_layers·hidden], layer l at
// l·hidden (pre-activation and activation of each hidden layer, kept for the
// backward pass); out: [out] (the linear output, before ctanh).
template <class T>
ELM_HD void mlp_forward(const MlpParams<T>& p, Activation act, const T* input, T* pre, T* post, T* out) {
  const T* h = input;
  for (int l = 0; l < p.hidden_layers; ++l) {
    T* pl = pre + static_cast<index_t>(l) * p.hidden;
    T* ql = post + static_cast<index_t>(l) * p.hidden;
    linear_forward(mlp_layer_in(p, l), p.hidden, p.w[l], p.b[l], h, pl);
    for (int j = 0; j < p.hidden; ++j) ql[j] = activate(act, pl[j]);
    h = ql;
  }
  const int L = p.hidden_layers;
  linear_forward(mlp_layer_in(p, L), p.out, p.w[L], p.b[L], h, out);
}

// Backward of one sample given d_out = dLoss/d out [out]. Adds the weight and
// bias gradients into g; writes dLoss/d input [in] into d_input (skipped when
// null). scratch: [2·hidden].
template <class T>
ELM_HD void mlp_backward(const MlpParams<T>& p, Activation act, const T* input, const T* pre, const T* post,
                         const T* d_out, const MlpGrads<T>& g, T* d_input, T* scratch) {
  T* d_cur = scratch;             // dLoss/d (layer output) of the layer being processed
  T* d_next = scratch + p.hidden;  // dLoss/d (its input)
  const T* d_y = d_out;
  for (int l = p.hidden_layers; l >= 0; --l) {
    const int n_in = mlp_layer_in(p, l), n_out = mlp_layer_out(p, l);
    const T* x = l == 0 ? input : post + static_cast<index_t>(l - 1) * p.hidden;
    const T* W = p.w[l];
    T* gW = g.w[l];
    T* gb = g.b[l];
    // d_y is dLoss/d pre of this layer (the output layer is linear; hidden
    // layers were multiplied by act'(pre) below).
    for (int o = 0; o < n_out; ++o) {
      const T dy = d_y[o];
      gb[o] += dy;
      T* grow = gW + static_cast<index_t>(o) * n_in;
      for (int i = 0; i < n_in; ++i) grow[i] += dy * x[i];
    }
    T* dx = l == 0 ? d_input : d_next;
    if (dx != nullptr) {
      for (int i = 0; i < n_in; ++i) dx[i] = T(0);
      for (int o = 0; o < n_out; ++o) {
        const T dy = d_y[o];
        const T* row = W + static_cast<index_t>(o) * n_in;
        for (int i = 0; i < n_in; ++i) dx[i] += dy * row[i];
      }
    }
    if (l > 0) {
      const T* pl = pre + static_cast<index_t>(l - 1) * p.hidden;
      for (int j = 0; j < p.hidden; ++j) d_next[j] *= activate_grad(act, pl[j]);
      // swap: the next (lower) layer reads d_next as its d_y
      T* t = d_cur;
      d_cur = d_next;
      d_next = t;
      d_y = d_cur;
    }
  }
}

}  // namespace elm
