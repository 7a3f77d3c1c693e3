// Dense GEMM for @elm/core's matmul: C = op(A)·op(B) (+ C when accumulate),
// float32 and float64, blocked and packed (BLIS-style loops), with a register
// micro-kernel written in GCC vector extensions (AVX-512 / AVX2 under -march=native),
// threaded with parallel_for. No system BLAS.
#pragma once
#include <cstdint>

namespace elm::cpu {

// One matrix operand: element (i, l) is data[i*rs + l*cs] (a transposed operand swaps rs/cs).
template <class T>
struct MatView {
  const T* data;
  std::int64_t rs;
  std::int64_t cs;
};

// C[m×n] (row-major, leading dimension ldc) = A[m×k]·B[k×n] (+ C when accumulate).
// Threads over tiles of C when `threaded`.
template <class T>
void gemm(std::int64_t m, std::int64_t n, std::int64_t k, MatView<T> a, MatView<T> b, T* c,
          std::int64_t ldc, bool accumulate, bool threaded = true);

// Batched: for each batch index t, C_t = op(A_{offA[t]})·op(B_{offB[t]}), C contiguous [batch, m, n].
// transA/transB: A_t is stored [k, m] / B_t is stored [n, k]. Threads over the batch when it is
// large and the matrices small, else over tiles inside each product.
template <class T>
void gemm_batched(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                  const std::int64_t* off_a, bool trans_a, const T* b, const std::int64_t* off_b,
                  bool trans_b, T* c, bool accumulate);

}  // namespace elm::cpu
