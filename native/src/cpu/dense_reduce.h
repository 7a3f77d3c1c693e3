// Reductions and softmax-family kernels for @elm/core over an [outer, n, inner] view
// of a contiguous tensor (one axis of length n; outer/inner are the axes before/after).
#pragma once
#include <cstdint>

namespace elm::cpu {

// out[o, c] = Σ_i x[o, i, c]  (float64 accumulation)
template <class T>
void dense_sum_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out);
// out[o, c] = max_i x[o, i, c]  (NaN propagates)
template <class T>
void dense_max_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out);
// softmax (log=false) or log-softmax (log=true) along the middle axis
template <class T>
void dense_softmax_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out, bool log);
// loss[r] = logsumexp(z[r, :]) − z[r, t[r]] for z [rows, C]
template <class T>
void dense_cross_entropy_rows(std::int64_t rows, std::int64_t C, const T* z, const std::int32_t* t, T* loss);
// dz[r, c] = g[r]·(softmax(z[r])_c − [c == t[r]])
template <class T>
void dense_cross_entropy_rows_grad(std::int64_t rows, std::int64_t C, const T* z, const std::int32_t* t,
                                   const T* g, T* dz);

}  // namespace elm::cpu
