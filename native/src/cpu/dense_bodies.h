// Runs the CUDA dense kernels' thread bodies (elm/dense_body.h) in plain host loops, one
// "thread" per output element, so their math is tested on machines without a GPU.
#pragma once
#include <cstdint>

namespace elm::cpu {

template <class T>
void dense_matmul_bodies(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                         const std::int64_t* off_a, bool trans_a, const T* b, const std::int64_t* off_b, bool trans_b,
                         T* c);

template <class T>
void dense_binary_bodies(int op, int ndim, const std::int64_t* shape, const T* a, const std::int64_t* sa, const T* b,
                         const std::int64_t* sb, T* out, std::int64_t out_len);

}  // namespace elm::cpu
