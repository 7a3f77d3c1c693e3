// Thread bodies of the CUDA dense kernels for @elm/core (one output element each),
// shared with the host so tests run them without a GPU (denseBodiesOnHost in elm_cpu).
#pragma once
#include "elm/common.h"
#include "elm/dense_math.h"

namespace elm::dense {

// C[i, j] of op(A)·op(B): op(A)(i, l) = a[i*rsA + l*csA], op(B)(l, j) = b[l*rsB + j*csB].
template <class T>
ELM_HD T gemm_element(index_t i, index_t j, index_t k, const T* a, index_t rsA, index_t csA, const T* b,
                      index_t rsB, index_t csB) {
  T s = T(0);
  const T* pa = a + i * rsA;
  const T* pb = b + j * csB;
  for (index_t l = 0; l < k; ++l) s += pa[l * csA] * pb[l * rsB];
  return s;
}

// out[flat] = a[·] op b[·] for flat index `flat` of `shape` (ndim ≤ 8) with strides sa, sb.
template <class T>
ELM_HD T binary_element(Binary op, index_t flat, int ndim, const index_t* shape, const T* a, const index_t* sa,
                        const T* b, const index_t* sb) {
  index_t oa = 0, ob = 0, rem = flat;
  for (int d = ndim - 1; d >= 0; --d) {
    const index_t q = rem % shape[d];
    rem /= shape[d];
    oa += q * sa[d];
    ob += q * sb[d];
  }
  return binary<T>(op, a[oa], b[ob]);
}

}  // namespace elm::dense
