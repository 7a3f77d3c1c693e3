// Activations of the ELM neuron and their derivatives, host+device.
// ELM_SPEC §2: Δm = ctanh(MLP(·)) with ctanh(x) = 1.7159·tanh(2x/3) (LeCun's
// scaled tanh); the MLP's hidden layers use relu or silu (x·sigmoid(x)).
#pragma once
#include <math.h>

#include "elm/common.h"

namespace elm {

// Hidden-layer activation of the MLP. The numeric values are part of the
// binding interface (0 = relu, 1 = silu).
enum class Activation : int { relu = 0, silu = 1 };

// Precision-matched transcendental functions (float → the f-suffixed ones).
ELM_HD float elm_tanh(float x) { return tanhf(x); }
ELM_HD double elm_tanh(double x) { return tanh(x); }
ELM_HD float elm_exp(float x) { return expf(x); }
ELM_HD double elm_exp(double x) { return exp(x); }

template <class T>
ELM_HD T ctanh_scale() { return T(1.7159); }
template <class T>
ELM_HD T ctanh_slope() { return T(2.0) / T(3.0); }

// ctanh(x) = 1.7159·tanh(2x/3)
template <class T>
ELM_HD T ctanh(T x) { return ctanh_scale<T>() * elm_tanh(ctanh_slope<T>() * x); }

// d ctanh / dx at x.
template <class T>
ELM_HD T ctanh_grad(T x) {
  const T t = elm_tanh(ctanh_slope<T>() * x);
  return ctanh_scale<T>() * ctanh_slope<T>() * (T(1) - t * t);
}

// d ctanh / dx expressed through y = ctanh(x) (no transcendental call).
template <class T>
ELM_HD T ctanh_grad_from_output(T y) {
  const T t = y / ctanh_scale<T>();
  return ctanh_scale<T>() * ctanh_slope<T>() * (T(1) - t * t);
}

// relu(NaN) = NaN, as PyTorch's: a NaN reaching the MLP shows in its output
// instead of being turned into 0 (x > 0 ? x : 0 did that).
template <class T>
ELM_HD T relu(T x) { return x <= T(0) ? T(0) : x; }
// Subgradient 0 at x = 0, as PyTorch; 1 at NaN, as PyTorch's threshold_backward
// (the gradient passes wherever the output is not ≤ 0).
template <class T>
ELM_HD T relu_grad(T x) { return x <= T(0) ? T(0) : T(1); }

template <class T>
ELM_HD T sigmoid(T x) { return T(1) / (T(1) + elm_exp(-x)); }

template <class T>
ELM_HD T silu(T x) { return x * sigmoid(x); }
// d silu / dx = s·(1 + x·(1 − s)), s = sigmoid(x)
template <class T>
ELM_HD T silu_grad(T x) {
  const T s = sigmoid(x);
  return s * (T(1) + x * (T(1) - s));
}

template <class T>
ELM_HD T activate(Activation a, T x) { return a == Activation::relu ? relu(x) : silu(x); }
template <class T>
ELM_HD T activate_grad(Activation a, T x) { return a == Activation::relu ? relu_grad(x) : silu_grad(x); }

}  // namespace elm
