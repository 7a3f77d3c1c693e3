// Scalar math of @elm/core's dense elementwise ops, shared by CPU and CUDA
// (ELM_HD). The op codes match native/lib/dense.ts (DENSE_UNARY_OPS / DENSE_BINARY_OPS).
#pragma once
#include <cmath>

#include "elm/common.h"

namespace elm::dense {

enum class Unary : int { Neg = 0, Exp, Log, Sqrt, Abs, Sign, Tanh, Sigmoid, Relu, Silu, Softplus, Count };
enum class Binary : int { Add = 0, Sub, Mul, Div, Maximum, Minimum, Greater, Less, Equal, Pow, Count };

template <class T>
ELM_HD T sigmoid(T x) {
  // stable on both sides: never exponentiates a large positive number
  if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
  const T e = std::exp(x);
  return e / (T(1) + e);
}

template <class T>
ELM_HD T unary(Unary op, T x) {
  switch (op) {
    case Unary::Neg: return -x;
    case Unary::Exp: return std::exp(x);
    case Unary::Log: return std::log(x);
    case Unary::Sqrt: return std::sqrt(x);
    case Unary::Abs: return std::fabs(x);
    case Unary::Sign: return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
    case Unary::Tanh: return std::tanh(x);
    case Unary::Sigmoid: return sigmoid(x);
    case Unary::Relu: return x <= T(0) ? T(0) : x;  // NaN stays NaN (elm/activations.h)
    case Unary::Silu: return x * sigmoid(x);
    // log(1 + eˣ) without overflow
    case Unary::Softplus: return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    default: return x;
  }
}

template <class T>
ELM_HD T binary(Binary op, T a, T b) {
  switch (op) {
    case Binary::Add: return a + b;
    case Binary::Sub: return a - b;
    case Binary::Mul: return a * b;
    case Binary::Div: return a / b;
    // a NaN in either operand is the result, as torch.maximum / torch.minimum
    case Binary::Maximum: return a >= b || a != a ? a : b;
    case Binary::Minimum: return a <= b || a != a ? a : b;
    case Binary::Greater: return a > b ? T(1) : T(0);
    case Binary::Less: return a < b ? T(1) : T(0);
    case Binary::Equal: return a == b ? T(1) : T(0);
    case Binary::Pow: return std::pow(a, b);
    default: return a;
  }
}

}  // namespace elm::dense
