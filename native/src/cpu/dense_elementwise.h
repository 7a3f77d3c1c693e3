// Elementwise dense kernels for @elm/core: unary maps and broadcasting binary maps
// (threaded). Broadcasting is given as an output shape and per-operand strides (0 on
// broadcast axes), already collapsed by the caller.
#pragma once
#include <cstdint>

#include "elm/dense_math.h"

namespace elm::cpu {

template <class T>
void dense_unary(dense::Unary op, std::int64_t n, const T* x, T* y);

// out[idx] = op(a[Σ idx·sa], b[Σ idx·sb]) over `shape` (ndim ≤ 8), out contiguous.
template <class T>
void dense_binary(dense::Binary op, int ndim, const std::int64_t* shape, const T* a, const std::int64_t* sa,
                  const T* b, const std::int64_t* sb, T* out);

}  // namespace elm::cpu
