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

// Columns per micro-tile (two vectors); weight copies are padded to this.
template <class T>
constexpr int tile_cols() { return 2 * Vec<T>::lanes; }

inline index_t round_up(index_t n, index_t m) { return (n + m - 1) / m * m; }

// A zero-padded copy of a matrix: out[k][o] = src(k, o) for k < K, o < N,
// with row stride ld = round_up(N, tile_cols). src(k, o) = src[k·sk + o·so].
template <class T>
struct PaddedMatrix {
  int K = 0, N = 0;
  index_t ld = 0;
  std::vector<T> data;
  PaddedMatrix() = default;
  PaddedMatrix(int K_, int N_, const T* src, index_t sk, index_t so) : K(K_), N(N_) {
    ld = round_up(N, tile_cols<T>());
    data.assign(static_cast<size_t>(K) * ld + tile_cols<T>(), T(0));
    for (int k = 0; k < K; ++k)
      for (int o = 0; o < N; ++o) data[static_cast<size_t>(k) * ld + o] = src[k * sk + o * so];
  }
};

// Y[s][o] = init + Σ_k X[s][k] · W(k, o) for s < SB, o < W.N, k < W.K, where
// init = bias[o] (bias non-null), else Y[s][o] (accumulate), else 0.
// Rows of X and Y are strided by ldx, ldy.
template <class T, int SB>
inline void rows_times_w_tile(const T* X, index_t ldx, const PaddedMatrix<T>& W, T* Y, index_t ldy,
                              const T* bias, bool accumulate) {
  using V = typename Vec<T>::type;
  constexpr int L = Vec<T>::lanes;
  const int K = W.K, N = W.N;
  const T* w = W.data.data();
  for (int o0 = 0; o0 < N; o0 += 2 * L) {
    const int width = std::min(2 * L, N - o0);
    V acc[SB][2];
    for (int s = 0; s < SB; ++s) {
      T init[2 * L];
      for (int o = 0; o < 2 * L; ++o) {
        init[o] = o >= width ? T(0) : bias ? bias[o0 + o] : accumulate ? Y[s * ldy + o0 + o] : T(0);
      }
      acc[s][0] = load<T>(init);
      acc[s][1] = load<T>(init + L);
    }
    const T* wk = w + o0;
    for (int k = 0; k < K; ++k, wk += W.ld) {
      const V w0 = load<T>(wk), w1 = load<T>(wk + L);
      for (int s = 0; s < SB; ++s) {
        const T xs = X[s * ldx + k];
        acc[s][0] += w0 * xs;
        acc[s][1] += w1 * xs;
      }
    }
    for (int s = 0; s < SB; ++s) {
      T* y = Y + s * ldy + o0;
      if (width == 2 * L) {
        store<T>(y, acc[s][0]);
        store<T>(y + L, acc[s][1]);
      } else {
        T out[2 * L];
        store<T>(out, acc[s][0]);
        store<T>(out + L, acc[s][1]);
        for (int o = 0; o < width; ++o) y[o] = out[o];
      }
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
