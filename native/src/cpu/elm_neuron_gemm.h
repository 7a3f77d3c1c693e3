// Small dense products for the ELM neuron CPU kernels' recurrences (a few
// rows per time step against a padded weight copy), written with GCC/Clang
// vector extensions so -O3 -march=native gives AVX-512 (or AVX2/SSE: the
// 64-byte vector type is split by the compiler where needed). Register
// blocked: SB rows × two vectors of columns per micro-tile.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace elm::cpu::neuron_gemm {

using index_t = std::int64_t;

template <class T>
struct Vec {
  typedef T type __attribute__((vector_size(64)));
  static constexpr int lanes = 64 / sizeof(T);
};

template <class T>
inline typename Vec<T>::type load(const T* p) {
  typename Vec<T>::type v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
template <class T>
inline void store(T* p, typename Vec<T>::type v) {
  std::memcpy(p, &v, sizeof(v));
}

// Columns of the widest micro-tile (four vectors); weight copies are padded to one
// vector, plus this much at the end.
template <class T>
constexpr int tile_cols() { return 4 * Vec<T>::lanes; }

inline index_t round_up(index_t n, index_t m) { return (n + m - 1) / m * m; }

// A zero-padded copy of a matrix: out[k][o] = src(k, o) for k < K, o < N,
// with row stride ld = round_up(N, lanes). src(k, o) = src[k·sk + o·so].
template <class T>
struct PaddedMatrix {
  int K = 0, N = 0;
  index_t ld = 0;
  std::vector<T> data;
  PaddedMatrix() = default;
  PaddedMatrix(int K_, int N_, const T* src, index_t sk, index_t so) : K(K_), N(N_) {
    ld = round_up(N, Vec<T>::lanes);
    data.assign(static_cast<size_t>(K) * ld + tile_cols<T>(), T(0));
    for (int k = 0; k < K; ++k)
      for (int o = 0; o < N; ++o) data[static_cast<size_t>(k) * ld + o] = src[k * sk + o * so];
  }
};

// Y[s][o0 + o] for s < SB, o < width ≤ NV·lanes: one micro-tile of rows_times_w_tile.
template <class T, int SB, int NV>
inline void rows_times_w_cols(const T* X, index_t ldx, const PaddedMatrix<T>& W, T* Y, index_t ldy, const T* bias,
                              bool accumulate, int o0, int width) {
  using V = typename Vec<T>::type;
  constexpr int L = Vec<T>::lanes;
  V acc[SB][NV];
  if (width == NV * L) {  // a whole tile: the starting vectors loaded as they are
    for (int s = 0; s < SB; ++s)
      for (int v = 0; v < NV; ++v)
        acc[s][v] = bias ? load<T>(bias + o0 + v * L) : accumulate ? load<T>(Y + s * ldy + o0 + v * L) : V{};
  } else {  // the last, narrower tile: zeros past width
    for (int s = 0; s < SB; ++s) {
      T init[NV * L];
      for (int o = 0; o < NV * L; ++o) {
        init[o] = o >= width ? T(0) : bias ? bias[o0 + o] : accumulate ? Y[s * ldy + o0 + o] : T(0);
      }
      for (int v = 0; v < NV; ++v) acc[s][v] = load<T>(init + v * L);
    }
  }
  const T* wk = W.data.data() + o0;
  for (int k = 0; k < W.K; ++k, wk += W.ld) {
    V w[NV];
    for (int v = 0; v < NV; ++v) w[v] = load<T>(wk + v * L);
    for (int s = 0; s < SB; ++s) {
      const T xs = X[s * ldx + k];
      for (int v = 0; v < NV; ++v) acc[s][v] += w[v] * xs;
    }
  }
  for (int s = 0; s < SB; ++s) {
    T* y = Y + s * ldy + o0;
    if (width == NV * L) {
      for (int v = 0; v < NV; ++v) store<T>(y + v * L, acc[s][v]);
    } else {
      T out[NV * L];
      for (int v = 0; v < NV; ++v) store<T>(out + v * L, acc[s][v]);
      for (int o = 0; o < width; ++o) y[o] = out[o];
    }
  }
}

// Y[s][o] = init + Σ_k X[s][k] · W(k, o) for s < SB, o < W.N, k < W.K, where
// init = bias[o] (bias non-null), else Y[s][o] (accumulate), else 0.
// Rows of X and Y are strided by ldx, ldy. Micro-tiles of SB rows × NV vectors
// of columns, NV = 2 for 5–8 rows and 4 for up to 4 rows (so a weight load
// feeds ≥ 8 FMAs either way), the last tile as narrow as the rest allows.
// Each output is the same sum in the same order whatever SB and the tiling.
template <class T, int SB>
inline void rows_times_w_tile(const T* X, index_t ldx, const PaddedMatrix<T>& W, T* Y, index_t ldy,
                              const T* bias, bool accumulate) {
  constexpr int L = Vec<T>::lanes;
  constexpr int NV = SB <= 4 ? 4 : 2;
  const int N = W.N;
  for (int o0 = 0; o0 < N; o0 += NV * L) {
    const int width = std::min(NV * L, N - o0);
    const int nv = (width + L - 1) / L;
    if (nv == NV) {
      rows_times_w_cols<T, SB, NV>(X, ldx, W, Y, ldy, bias, accumulate, o0, width);
    } else if (nv == 3) {
      rows_times_w_cols<T, SB, 3>(X, ldx, W, Y, ldy, bias, accumulate, o0, width);
    } else if (nv == 2) {
      rows_times_w_cols<T, SB, 2>(X, ldx, W, Y, ldy, bias, accumulate, o0, width);
    } else {
      rows_times_w_cols<T, SB, 1>(X, ldx, W, Y, ldy, bias, accumulate, o0, width);
    }
  }
}

// rows_times_w over any number of rows, in tiles of up to 8.
template <class T>
inline void rows_times_w(index_t rows, const T* X, index_t ldx, const PaddedMatrix<T>& W, T* Y, index_t ldy,
                         const T* bias, bool accumulate) {
  index_t r = 0;
  for (; r + 8 <= rows; r += 8) rows_times_w_tile<T, 8>(X + r * ldx, ldx, W, Y + r * ldy, ldy, bias, accumulate);
  const T* Xr = X + r * ldx;
  T* Yr = Y + r * ldy;
  switch (rows - r) {
    case 7: rows_times_w_tile<T, 7>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 6: rows_times_w_tile<T, 6>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 5: rows_times_w_tile<T, 5>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 4: rows_times_w_tile<T, 4>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 3: rows_times_w_tile<T, 3>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 2: rows_times_w_tile<T, 2>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    case 1: rows_times_w_tile<T, 1>(Xr, ldx, W, Yr, ldy, bias, accumulate); break;
    default: break;
  }
}

}  // namespace elm::cpu::neuron_gemm
