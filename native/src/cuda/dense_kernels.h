// CUDA launch wrappers for @elm/core's dense ops on host arrays (copy in, launch, copy out).
// Same argument meaning as the CPU kernels (cpu/dense_gemm.h, cpu/dense_elementwise.h).
#pragma once
#include <cstdint>

namespace elm::cuda {

template <class T>
void dense_matmul_host(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                       std::int64_t a_len, const std::int64_t* off_a, bool trans_a, const T* b, std::int64_t b_len,
                       const std::int64_t* off_b, bool trans_b, T* c);

template <class T>
void dense_unary_host(int op, std::int64_t n, const T* x, T* y);

template <class T>
void dense_binary_host(int op, int ndim, const std::int64_t* shape, const T* a, std::int64_t a_len,
                       const std::int64_t* sa, const T* b, std::int64_t b_len, const std::int64_t* sb, T* out,
                       std::int64_t out_len);

}  // namespace elm::cuda
