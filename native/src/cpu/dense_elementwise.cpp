#include "cpu/dense_elementwise.h"

#include <algorithm>

#include "cpu/parallel.h"

namespace elm::cpu {
namespace {

constexpr std::int64_t kGrain = 1 << 15;

// One op per instantiation so the inner loop has no switch and vectorises.
template <class T, dense::Unary OP>
void unary_loop(std::int64_t n, const T* __restrict x, T* __restrict y) {
  parallel_for(n, kGrain, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) y[i] = dense::unary<T>(OP, x[i]);
  });
}

template <class T, dense::Binary OP>
void binary_loop(int ndim, const std::int64_t* shape, const T* a, const std::int64_t* sa, const T* b,
                 const std::int64_t* sb, T* out) {
  // rows = all but the last axis; the last axis is the inner loop
  const std::int64_t inner = ndim ? shape[ndim - 1] : 1;
  const std::int64_t ia = ndim ? sa[ndim - 1] : 0, ib = ndim ? sb[ndim - 1] : 0;
  std::int64_t rows = 1;
  for (int d = 0; d < ndim - 1; ++d) rows *= shape[d];
  const std::int64_t grain = std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(1, inner));
  parallel_for(rows, grain, [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      std::int64_t oa = 0, ob = 0, rem = r;
      for (int d = ndim - 2; d >= 0; --d) {
        const std::int64_t q = rem % shape[d];
        rem /= shape[d];
        oa += q * sa[d];
        ob += q * sb[d];
      }
      const T* __restrict pa = a + oa;
      const T* __restrict pb = b + ob;
      T* __restrict po = out + r * inner;
      if (ia == 1 && ib == 1) {
        for (std::int64_t i = 0; i < inner; ++i) po[i] = dense::binary<T>(OP, pa[i], pb[i]);
      } else if (ia == 1 && ib == 0) {
        const T vb = pb[0];
        for (std::int64_t i = 0; i < inner; ++i) po[i] = dense::binary<T>(OP, pa[i], vb);
      } else if (ia == 0 && ib == 1) {
        const T va = pa[0];
        for (std::int64_t i = 0; i < inner; ++i) po[i] = dense::binary<T>(OP, va, pb[i]);
      } else {
        for (std::int64_t i = 0; i < inner; ++i) po[i] = dense::binary<T>(OP, pa[i * ia], pb[i * ib]);
      }
    }
  });
}

}  // namespace

template <class T>
void dense_unary(dense::Unary op, std::int64_t n, const T* x, T* y) {
  using U = dense::Unary;
  switch (op) {
    case U::Neg: return unary_loop<T, U::Neg>(n, x, y);
    case U::Exp: return unary_loop<T, U::Exp>(n, x, y);
    case U::Log: return unary_loop<T, U::Log>(n, x, y);
    case U::Sqrt: return unary_loop<T, U::Sqrt>(n, x, y);
    case U::Abs: return unary_loop<T, U::Abs>(n, x, y);
    case U::Sign: return unary_loop<T, U::Sign>(n, x, y);
    case U::Tanh: return unary_loop<T, U::Tanh>(n, x, y);
    case U::Sigmoid: return unary_loop<T, U::Sigmoid>(n, x, y);
    case U::Relu: return unary_loop<T, U::Relu>(n, x, y);
    case U::Silu: return unary_loop<T, U::Silu>(n, x, y);
    case U::Softplus: return unary_loop<T, U::Softplus>(n, x, y);
    default: return;
  }
}

template <class T>
void dense_binary(dense::Binary op, int ndim, const std::int64_t* shape, const T* a, const std::int64_t* sa,
                  const T* b, const std::int64_t* sb, T* out) {
  using B = dense::Binary;
  switch (op) {
    case B::Add: return binary_loop<T, B::Add>(ndim, shape, a, sa, b, sb, out);
    case B::Sub: return binary_loop<T, B::Sub>(ndim, shape, a, sa, b, sb, out);
    case B::Mul: return binary_loop<T, B::Mul>(ndim, shape, a, sa, b, sb, out);
    case B::Div: return binary_loop<T, B::Div>(ndim, shape, a, sa, b, sb, out);
    case B::Maximum: return binary_loop<T, B::Maximum>(ndim, shape, a, sa, b, sb, out);
    case B::Minimum: return binary_loop<T, B::Minimum>(ndim, shape, a, sa, b, sb, out);
    case B::Greater: return binary_loop<T, B::Greater>(ndim, shape, a, sa, b, sb, out);
    case B::Less: return binary_loop<T, B::Less>(ndim, shape, a, sa, b, sb, out);
    case B::Equal: return binary_loop<T, B::Equal>(ndim, shape, a, sa, b, sb, out);
    case B::Pow: return binary_loop<T, B::Pow>(ndim, shape, a, sa, b, sb, out);
    default: return;
  }
}

template void dense_unary<float>(dense::Unary, std::int64_t, const float*, float*);
template void dense_unary<double>(dense::Unary, std::int64_t, const double*, double*);
template void dense_binary<float>(dense::Binary, int, const std::int64_t*, const float*, const std::int64_t*,
                                  const float*, const std::int64_t*, float*);
template void dense_binary<double>(dense::Binary, int, const std::int64_t*, const double*, const std::int64_t*,
                                   const double*, const std::int64_t*, double*);

}  // namespace elm::cpu
