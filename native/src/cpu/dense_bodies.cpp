#include "cpu/dense_bodies.h"

#include "elm/dense_body.h"

namespace elm::cpu {

template <class T>
void dense_matmul_bodies(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                         const std::int64_t* off_a, bool trans_a, const T* b, const std::int64_t* off_b, bool trans_b,
                         T* c) {
  // same (t, i, j) → element mapping and strides as matmul_kernel in cuda/dense_kernels.cu
  for (std::int64_t t = 0; t < batch; ++t)
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        c[(t * m + i) * n + j] = dense::gemm_element<T>(i, j, k, a + off_a[t], trans_a ? 1 : k, trans_a ? m : 1,
                                                        b + off_b[t], trans_b ? 1 : n, trans_b ? k : 1);
}

template <class T>
void dense_binary_bodies(int op, int ndim, const std::int64_t* shape, const T* a, const std::int64_t* sa, const T* b,
                         const std::int64_t* sb, T* out, std::int64_t out_len) {
  for (std::int64_t i = 0; i < out_len; ++i)
    out[i] = dense::binary_element<T>(static_cast<dense::Binary>(op), i, ndim, shape, a, sa, b, sb);
}

#define ELM_DENSE_BODIES_INST(T)                                                                                  \
  template void dense_matmul_bodies<T>(std::int64_t, std::int64_t, std::int64_t, std::int64_t, const T*,          \
                                       const std::int64_t*, bool, const T*, const std::int64_t*, bool, T*);       \
  template void dense_binary_bodies<T>(int, int, const std::int64_t*, const T*, const std::int64_t*, const T*,    \
                                       const std::int64_t*, T*, std::int64_t);
ELM_DENSE_BODIES_INST(float)
ELM_DENSE_BODIES_INST(double)

}  // namespace elm::cpu
