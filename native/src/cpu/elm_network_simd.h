// Register-blocked products of the ELM Network CPU kernel: the per-neuron MLP
// layers for a block of RB ≤ 4 batch rows, with the accumulators held in SIMD
// registers (GCC/Clang vector extensions: 64-byte vectors, AVX-512 where the
// addon is built for it, two AVX2 halves otherwise). Matrices are packed with
// their contiguous dimension padded to a multiple of the vector width (zeros),
// so there are no tail loops; row buffers are padded the same way.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace elm::cpu::simd {

// Bytes = 64: the full vector; 32: the half vector that ends a row whose padded
// width is an odd multiple of L/2 (see rows_product).
template <class T, int Bytes = 64>
struct V {
  typedef T type __attribute__((vector_size(Bytes)));
  static constexpr int L = Bytes / sizeof(T);
};

template <class T, int Bytes = 64>
inline typename V<T, Bytes>::type load(const T* p) {
  typename V<T, Bytes>::type v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
template <class T, int Bytes = 64>
inline void store(T* p, typename V<T, Bytes>::type v) {
  std::memcpy(p, &v, sizeof(v));
}
// x in every lane: one broadcast (from memory when x is a load). The portable
// spelling {} + x is an add before the broadcast (0 + (−0) = +0, so it is not
// folded without -ffast-math), and a lane loop becomes 16 masked inserts.
template <int Bytes = 64, class T>
inline typename V<T, Bytes>::type splat(T x) {
#if defined(__AVX512F__)
  if constexpr (Bytes == 64 && sizeof(T) == 4) return (typename V<T, Bytes>::type)_mm512_set1_ps(x);
  if constexpr (Bytes == 64 && sizeof(T) == 8) return (typename V<T, Bytes>::type)_mm512_set1_pd(x);
  if constexpr (Bytes == 32 && sizeof(T) == 4) return (typename V<T, Bytes>::type)_mm256_set1_ps(x);
  if constexpr (Bytes == 32 && sizeof(T) == 8) return (typename V<T, Bytes>::type)_mm256_set1_pd(x);
#endif
  typename V<T, Bytes>::type v = {};
  if constexpr (Bytes == sizeof(T)) {  // one element (simd::slices' tail): exact, −0 stays −0
    v[0] = x;
    return v;
  }
  return v + x;
}

inline int pad_to(int n, int L) { return (n + L - 1) / L * L; }

// Elementwise work on one neuron's short slice (d_m, d_tree: a vector or two):
// f(k, width) for whole vectors (width 64 bytes), then at most one half vector (32)
// and single elements (sizeof(T): a one-element vector), k the offset in the slice.
// Written as a plain loop over a run-time n, each such slice gets the vectoriser's
// set-up and remainder code, tens of cycles per call, paid per neuron and row.
template <int Bytes>
using Width = std::integral_constant<int, Bytes>;
template <class T, class F>
__attribute__((always_inline)) inline void slices(int n, F&& f) {
  constexpr int L = V<T>::L;
  int k = 0;
  for (; k + L <= n; k += L) f(k, Width<64>{});
  if (k + L / 2 <= n) {
    f(k, Width<32>{});
    k += L / 2;
  }
  for (; k < n; ++k) f(k, Width<static_cast<int>(sizeof(T))>{});
}

// The low half of a vector (a register's lower half: no instruction).
template <class T>
inline typename V<T, 32>::type low_half(typename V<T>::type x) {
  if constexpr (V<T>::L == 16) return __builtin_shufflevector(x, x, 0, 1, 2, 3, 4, 5, 6, 7);
  else return __builtin_shufflevector(x, x, 0, 1, 2, 3);
}

// A block of columns: OB full vectors, then (Half) one half vector. Rows whose padded
// width is an odd multiple of L/2 end with such a half (24 floats = 16 + 8, not 32);
// it shares each row's broadcast with the full vectors beside it.
template <class T, int OB, bool Half>
struct Cols {
  using VT = typename V<T>::type;
  using HT = typename V<T, 32>::type;
  static constexpr int L = V<T>::L;
  static constexpr int NB = OB > 0 ? OB : 1;  // (array sizes; only OB are used)
  // the block's columns of the row at p: v[0 … OB) and h (Half)
  static void load_row(const T* p, VT* v, HT& h) {
    for (int b = 0; b < OB; ++b) v[b] = simd::load(p + b * L);
    if constexpr (Half) h = simd::load<T, 32>(p + OB * L);
  }
  static void store_row(T* p, const VT* v, const HT& h) {
    for (int b = 0; b < OB; ++b) simd::store(p + b * L, v[b]);
    if constexpr (Half) simd::store<T, 32>(p + OB * L, h);
  }
};

// acc_r[o0 … o0+OB·L) = init + Σ_q a_r[q] · M[q][o0 …]   for r < RB, where `init` (padded;
// the same for every row: a bias, or zeros) is read elsewhere, not from acc_r just
// written by narrower stores (a store-forwarding stall per accumulator).
// M [K][ld] (padded), acc_r padded. The input row comes in two parts: a_r[q] for
// q < K0, a2_r[q − K0] for K0 ≤ q < K (a2 unused when K0 = K), summed in q order. K ≥ 1.
//
// Code shape: the accumulators stay in registers from the first load to the last store
// only while nothing branches around the loop. With a null-able init (two load paths),
// a loop per input part, or a loop that may run zero times, GCC 12 parks them on the
// stack at each join, a store and a reload per accumulator each time (seen in the
// assembly: 52 such moves in the 4-row, 2-vector block, against 192 FMAs for 24 inputs).
// Hence one do-while over q, the parts told apart by an offset, and the step inlined
// before GCC's scalar replacement runs (always_inline).
template <class T, int RB, int OB, bool Half = false>
inline void block_product(int K0, int K, const T* __restrict M, int ld, const T* const* a, const T* const* a2,
                          T* const* acc, int o0, const T* init) {
  using C = Cols<T, OB, Half>;
  using VT = typename C::VT;
  using HT = typename C::HT;
  VT s[RB][C::NB];
  HT h[RB];
  for (int r = 0; r < RB; ++r) C::load_row(init + o0, s[r], h[r]);
  // s_r += in_r[j] · M[q] (row q of M, input element j of row r)
  auto accumulate = [&](int q, const T* const* in, int j) __attribute__((always_inline)) {
    VT m[C::NB];
    HT mh{};
    C::load_row(M + static_cast<std::int64_t>(q) * ld + o0, m, mh);
    for (int r = 0; r < RB; ++r) {
      if constexpr (OB > 0) {
        const VT x = splat(in[r][j]);
        for (int b = 0; b < OB; ++b) s[r][b] += x * m[b];
        if constexpr (Half) h[r] += low_half<T>(x) * mh;
      } else {
        h[r] += splat<32>(in[r][j]) * mh;
      }
    }
  };
  const T* in[RB];  // the part being read, at offset j0: element q − j0
  for (int r = 0; r < RB; ++r) in[r] = a[r];
  int j0 = 0, q = 0;
  do {
    if (q == K0) {
      for (int r = 0; r < RB; ++r) in[r] = a2[r];
      j0 = K0;
    }
    accumulate(q, in, q - j0);
  } while (++q < K);
  for (int r = 0; r < RB; ++r) C::store_row(acc[r] + o0, s[r], h[r]);
}

// acc_r[0 … ld) = init + Σ_q [a_r ; a2_r][q] · M[q][:] for RB rows (ld a multiple of
// L/2; an odd multiple ends with a half vector, see Cols).
template <class T, int RB>
inline void rows_product(int K0, int K, const T* M, int ld, const T* const* a, const T* const* a2, T* const* acc,
                         const T* init) {
  constexpr int L = V<T>::L;
  int o0 = 0;
  for (; o0 + 2 * L <= ld; o0 += 2 * L) block_product<T, RB, 2>(K0, K, M, ld, a, a2, acc, o0, init);
  const int rest = ld - o0;  // 0, L/2, L or 3L/2
  if (rest == L) block_product<T, RB, 1>(K0, K, M, ld, a, a2, acc, o0, init);
  else if (rest == L + L / 2) block_product<T, RB, 1, true>(K0, K, M, ld, a, a2, acc, o0, init);
  else if (rest == L / 2) block_product<T, RB, 0, true>(K0, K, M, ld, a, a2, acc, o0, init);
}

// Any number of rows: blocks of 4, then the rest. acc_r = init + Σ_q [a_r ; a2_r][q]·M[q],
// the input of row r being a_r[0 … K0) followed by a2_r[0 … K − K0); init [ld] (a bias, or
// zeros), K ≥ 1.
template <class T>
inline void product_split(int R, int K0, int K, const T* M, int ld, const T* const* a, const T* const* a2,
                          T* const* acc, const T* init) {
  if (!a2) a2 = a;  // (K0 = K: never read; not null, which GCC would warn of)
  int r = 0;
  for (; r + 4 <= R; r += 4) rows_product<T, 4>(K0, K, M, ld, a + r, a2 + r, acc + r, init);
  const T* const* a2r = a2 + r;
  switch (R - r) {
    case 3: rows_product<T, 3>(K0, K, M, ld, a + r, a2r, acc + r, init); break;
    case 2: rows_product<T, 2>(K0, K, M, ld, a + r, a2r, acc + r, init); break;
    case 1: rows_product<T, 1>(K0, K, M, ld, a + r, a2r, acc + r, init); break;
    default: break;
  }
}

// acc_r = init + Σ_q a_r[q]·M[q] for any number of rows.
template <class T>
inline void product(int R, int K, const T* M, int ld, const T* const* a, T* const* acc, const T* init) {
  product_split(R, K, K, M, ld, a, static_cast<const T* const*>(nullptr), acc, init);
}

// G[o][i0 … i0+IB·L) += Σ_k g_k[o] · h_k[i0 …] for o0 ≤ o < o0+OB: the tile of G stays
// in registers over all K ≥ 1 samples (k in order, so each element sums in sample order;
// a do-while, as in block_product, so that it does not go through the stack).
template <class T, int OB, int IB, bool Half = false>
inline void block_outer_many(int K, T* __restrict G, int ld, const T* const* g, const T* const* h, int o0, int i0) {
  using C = Cols<T, IB, Half>;
  using VT = typename C::VT;
  using HT = typename C::HT;
  VT s[OB][C::NB];
  HT sh[OB];
  for (int o = 0; o < OB; ++o) C::load_row(G + static_cast<std::int64_t>(o0 + o) * ld + i0, s[o], sh[o]);
  int k = 0;
  do {
    VT hv[C::NB];
    HT hh{};
    C::load_row(h[k] + i0, hv, hh);
    const T* gk = g[k] + o0;
    for (int o = 0; o < OB; ++o) {
      if constexpr (IB > 0) {
        const VT x = splat(gk[o]);
        for (int b = 0; b < IB; ++b) s[o][b] += x * hv[b];
        if constexpr (Half) sh[o] += low_half<T>(x) * hh;
      } else {
        sh[o] += splat<32>(gk[o]) * hh;
      }
    }
  } while (++k < K);
  for (int o = 0; o < OB; ++o) C::store_row(G + static_cast<std::int64_t>(o0 + o) * ld + i0, s[o], sh[o]);
}

// ld a multiple of L/2, as rows_product
template <class T, int OB>
inline void outer_many_rows(int K, T* G, int ld, const T* const* g, const T* const* h, int o0) {
  constexpr int L = V<T>::L;
  int i0 = 0;
  for (; i0 + 2 * L <= ld; i0 += 2 * L) block_outer_many<T, OB, 2>(K, G, ld, g, h, o0, i0);
  const int rest = ld - i0;  // 0, L/2, L or 3L/2
  if (rest == L) block_outer_many<T, OB, 1>(K, G, ld, g, h, o0, i0);
  else if (rest == L + L / 2) block_outer_many<T, OB, 1, true>(K, G, ld, g, h, o0, i0);
  else if (rest == L / 2) block_outer_many<T, OB, 0, true>(K, G, ld, g, h, o0, i0);
}

// G [nOut][ld] += Σ_{k<K} g_k ⊗ h_k (h_k padded to ld): a weight gradient over K samples.
template <class T>
inline void outer_many(int K, int nOut, T* G, int ld, const T* const* g, const T* const* h) {
  if (K <= 0) return;
  int o = 0;
  for (; o + 8 <= nOut; o += 8) outer_many_rows<T, 8>(K, G, ld, g, h, o);
  for (; o + 4 <= nOut; o += 4) outer_many_rows<T, 4>(K, G, ld, g, h, o);
  for (; o < nOut; ++o) outer_many_rows<T, 1>(K, G, ld, g, h, o);
}

// out[0 … ld) += Σ_{k<K} g_k[0 … ld) (ld a multiple of L), summed in k order.
template <class T>
inline void sum_rows(int K, int ld, const T* const* g, T* out) {
  using VT = typename V<T>::type;
  constexpr int L = V<T>::L;
  for (int o = 0; o < ld; o += L) {
    VT a = load(out + o);
    for (int k = 0; k < K; ++k) a += load(g[k] + o);
    store(out + o, a);
  }
}

}  // namespace elm::cpu::simd
