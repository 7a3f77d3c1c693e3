// Blocked GEMM (see dense_gemm.h). Loop nest (Goto/BLIS):
//   jc over n by NC → pc over k by KC → pack B[kc×nc] into NR-wide panels (shared)
//     → parallel over (ic tile of MC rows) × (column chunk): pack A[mc×kc] into MR-tall panels
//       → micro-kernel: an MR×NR block of C held in registers, kc rank-1 updates.
// Partial edge tiles run the same micro-kernel on zero-padded panels into a scratch tile.
#include "cpu/dense_gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <vector>

#include "cpu/parallel.h"

namespace elm::cpu {
namespace {

constexpr int kVecBytes = 64;  // one AVX-512 register (two AVX2 registers on older CPUs)

template <class T>
struct Traits;
template <>
struct Traits<float> {
  typedef float V __attribute__((vector_size(kVecBytes)));
  static constexpr int L = 16;   // lanes
  static constexpr int MR = 12;  // rows of the register tile
  static constexpr int NR = 2 * L;
  static constexpr int KC = 256;
  static constexpr int MC = 144;
  static constexpr int NC = 3072;
};
template <>
struct Traits<double> {
  typedef double V __attribute__((vector_size(kVecBytes)));
  static constexpr int L = 8;
  static constexpr int MR = 12;
  static constexpr int NR = 2 * L;
  static constexpr int KC = 256;
  static constexpr int MC = 96;
  static constexpr int NC = 3072;
};

template <class V, class T>
inline V load(const T* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V, class T>
inline void store(T* p, V v) {
  std::memcpy(p, &v, sizeof(V));
}

// C[MR×NR] (ldc) = or += Σ_l a[l][0..MR) ⊗ b[l][0..NR); a, b packed and 64-byte aligned.
template <class T>
__attribute__((always_inline)) inline void micro_kernel(std::int64_t kc, const T* __restrict a,
                                                        const T* __restrict b, T* __restrict c,
                                                        std::int64_t ldc, bool accumulate) {
  using Tr = Traits<T>;
  using V = typename Tr::V;
  constexpr int MR = Tr::MR;
  constexpr int L = Tr::L;
  V acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    acc0[i] = V{};
    acc1[i] = V{};
  }
  for (std::int64_t l = 0; l < kc; ++l) {
    const V b0 = *reinterpret_cast<const V*>(b + l * Tr::NR);
    const V b1 = *reinterpret_cast<const V*>(b + l * Tr::NR + L);
    const T* al = a + l * MR;
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const T ai = al[i];
      acc0[i] += ai * b0;
      acc1[i] += ai * b1;
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    T* ci = c + i * ldc;
    if (accumulate) {
      store(ci, load<V>(ci) + acc0[i]);
      store(ci + L, load<V>(ci + L) + acc1[i]);
    } else {
      store(ci, acc0[i]);
      store(ci + L, acc1[i]);
    }
  }
}

template <class T>
struct AlignedBuffer {
  T* p = nullptr;
  std::size_t cap = 0;
  T* get(std::size_t n) {
    if (n > cap) {
      std::free(p);
      std::size_t bytes = ((n * sizeof(T) + 63) / 64) * 64;
      p = static_cast<T*>(std::aligned_alloc(64, bytes));
      if (!p) throw std::bad_alloc();
      cap = n;
    }
    return p;
  }
  ~AlignedBuffer() { std::free(p); }
};

// Packs rows [i0, i0+mc) × cols [p0, p0+kc) of A into MR-tall panels: panel r holds a[l][0..MR).
template <class T>
void pack_a(const MatView<T>& A, std::int64_t i0, std::int64_t mc, std::int64_t p0, std::int64_t kc, T* out) {
  constexpr int MR = Traits<T>::MR;
  for (std::int64_t ir = 0; ir < mc; ir += MR) {
    const std::int64_t rows = std::min<std::int64_t>(MR, mc - ir);
    T* dst = out + ir * kc;
    const T* src = A.data + (i0 + ir) * A.rs + p0 * A.cs;
    if (A.cs == 1) {
      for (std::int64_t i = 0; i < rows; ++i) {
        const T* s = src + i * A.rs;
        for (std::int64_t l = 0; l < kc; ++l) dst[l * MR + i] = s[l];
      }
    } else {
      for (std::int64_t l = 0; l < kc; ++l) {
        const T* s = src + l * A.cs;
        for (std::int64_t i = 0; i < rows; ++i) dst[l * MR + i] = s[i * A.rs];
      }
    }
    for (std::int64_t i = rows; i < MR; ++i)
      for (std::int64_t l = 0; l < kc; ++l) dst[l * MR + i] = T(0);
  }
}

// Packs rows [p0, p0+kc) × cols [j0, j0+nc) of B into NR-wide panels: panel holds b[l][0..NR).
template <class T>
void pack_b_panel(const MatView<T>& B, std::int64_t p0, std::int64_t kc, std::int64_t j, std::int64_t cols, T* dst) {
  constexpr int NR = Traits<T>::NR;
  const T* src = B.data + p0 * B.rs + j * B.cs;
  if (B.cs == 1) {
    for (std::int64_t l = 0; l < kc; ++l) {
      const T* s = src + l * B.rs;
      T* d = dst + l * NR;
      std::int64_t q = 0;
      for (; q < cols; ++q) d[q] = s[q];
      for (; q < NR; ++q) d[q] = T(0);
    }
  } else {
    for (std::int64_t q = 0; q < cols; ++q) {
      const T* s = src + q * B.cs;
      for (std::int64_t l = 0; l < kc; ++l) dst[l * NR + q] = s[l * B.rs];
    }
    for (std::int64_t l = 0; l < kc; ++l)
      for (std::int64_t q = cols; q < NR; ++q) dst[l * NR + q] = T(0);
  }
}

template <class T>
void gemm_impl(std::int64_t m, std::int64_t n, std::int64_t k, MatView<T> A, MatView<T> B, T* C,
               std::int64_t ldc, bool accumulate, bool threaded) {
  using Tr = Traits<T>;
  constexpr int MR = Tr::MR, NR = Tr::NR, KC = Tr::KC, MC = Tr::MC, NC = Tr::NC;
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (std::int64_t i = 0; i < m; ++i) std::fill(C + i * ldc, C + i * ldc + n, T(0));
    return;
  }
  static thread_local AlignedBuffer<T> bbuf;
  for (std::int64_t jc = 0; jc < n; jc += NC) {
    const std::int64_t nc = std::min<std::int64_t>(NC, n - jc);
    const std::int64_t npanels = (nc + NR - 1) / NR;
    for (std::int64_t pc = 0; pc < k; pc += KC) {
      const std::int64_t kc = std::min<std::int64_t>(KC, k - pc);
      const bool acc = accumulate || pc > 0;
      T* bp = bbuf.get(static_cast<std::size_t>(npanels * NR * kc));
      auto pack_b = [&](std::int64_t b0, std::int64_t b1) {
        for (std::int64_t p = b0; p < b1; ++p)
          pack_b_panel(B, pc, kc, jc + p * NR, std::min<std::int64_t>(NR, nc - p * NR), bp + p * NR * kc);
      };
      if (threaded) parallel_for(npanels, 8, pack_b);
      else pack_b(0, npanels);
      // tasks: MC rows × a chunk of NR panels, several per thread and handed out dynamically,
      // so a thread whose core is shared with other work does fewer of them
      const std::int64_t mtiles = (m + MC - 1) / MC;
      std::int64_t nchunks = 1;
      if (threaded) {
        const std::int64_t want = 8 * num_threads();
        if (mtiles < want) nchunks = std::min<std::int64_t>((npanels + 3) / 4, (want + mtiles - 1) / mtiles);
        nchunks = std::max<std::int64_t>(1, nchunks);
      }
      const std::int64_t panels_per_chunk = (npanels + nchunks - 1) / nchunks;
      nchunks = (npanels + panels_per_chunk - 1) / panels_per_chunk;
      const std::int64_t ntasks = mtiles * nchunks;
      // runs tasks [t0, t1); packed_tile: which A tile this thread's buffer holds (-1: none)
      auto body = [&](std::int64_t t0, std::int64_t t1, std::int64_t& packed_tile) {
        static thread_local AlignedBuffer<T> abuf;
        alignas(64) T scratch[MR * NR];
        T* ap = abuf.get(static_cast<std::size_t>(((MC + MR - 1) / MR) * MR * kc));
        for (std::int64_t t = t0; t < t1; ++t) {
          const std::int64_t it = t / nchunks, ch = t % nchunks;
          const std::int64_t ic = it * MC;
          const std::int64_t mc = std::min<std::int64_t>(MC, m - ic);
          if (packed_tile != it) {
            pack_a(A, ic, mc, pc, kc, ap);
            packed_tile = it;
          }
          const std::int64_t p_end = std::min(npanels, (ch + 1) * panels_per_chunk);
          for (std::int64_t p = ch * panels_per_chunk; p < p_end; ++p) {
            const std::int64_t jr = p * NR;
            const std::int64_t cols = std::min<std::int64_t>(NR, nc - jr);
            const T* bpp = bp + p * NR * kc;
            for (std::int64_t ir = 0; ir < mc; ir += MR) {
              const std::int64_t rows = std::min<std::int64_t>(MR, mc - ir);
              T* cij = C + (ic + ir) * ldc + jc + jr;
              if (rows == MR && cols == NR) {
                micro_kernel<T>(kc, ap + ir * kc, bpp, cij, ldc, acc);
              } else {
                micro_kernel<T>(kc, ap + ir * kc, bpp, scratch, NR, false);
                for (std::int64_t i = 0; i < rows; ++i)
                  for (std::int64_t j = 0; j < cols; ++j)
                    cij[i * ldc + j] = acc ? cij[i * ldc + j] + scratch[i * NR + j] : scratch[i * NR + j];
              }
            }
          }
        }
      };
      if (threaded) {
        std::atomic<std::int64_t> next{0};
        parallel_for(num_threads(), 1, [&](std::int64_t, std::int64_t) {
          std::int64_t packed_tile = -1;
          for (std::int64_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < ntasks;) body(t, t + 1, packed_tile);
        });
      } else {
        std::int64_t packed_tile = -1;
        body(0, ntasks, packed_tile);
      }
    }
  }
}

}  // namespace

template <class T>
void gemm(std::int64_t m, std::int64_t n, std::int64_t k, MatView<T> a, MatView<T> b, T* c,
          std::int64_t ldc, bool accumulate, bool threaded) {
  // below ~256k flops the pool's wake-up costs more than the second core gains
  const bool big = 2.0 * double(m) * double(n) * double(k) >= 2.5e5;
  gemm_impl<T>(m, n, k, a, b, c, ldc, accumulate, threaded && big && num_threads() > 1);
}

template <class T>
void gemm_batched(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                  const std::int64_t* off_a, bool trans_a, const T* b, const std::int64_t* off_b,
                  bool trans_b, T* c, bool accumulate) {
  // op(A) is m×k: stored [m,k] (rs=k, cs=1) or, transposed, [k,m] (rs=1, cs=m)
  auto view_a = [&](std::int64_t t) {
    return MatView<T>{a + off_a[t], trans_a ? 1 : k, trans_a ? m : 1};
  };
  auto view_b = [&](std::int64_t t) {
    return MatView<T>{b + off_b[t], trans_b ? 1 : n, trans_b ? k : 1};
  };
  const double flops_each = 2.0 * double(m) * double(n) * double(k);
  const bool over_batch = batch >= 2 * num_threads() && flops_each < 4e6;
  if (over_batch) {
    parallel_for(batch, 1, [&](std::int64_t t0, std::int64_t t1) {
      for (std::int64_t t = t0; t < t1; ++t)
        gemm_impl<T>(m, n, k, view_a(t), view_b(t), c + t * m * n, n, accumulate, false);
    });
  } else {
    for (std::int64_t t = 0; t < batch; ++t)
      gemm<T>(m, n, k, view_a(t), view_b(t), c + t * m * n, n, accumulate, true);
  }
}

template void gemm<float>(std::int64_t, std::int64_t, std::int64_t, MatView<float>, MatView<float>, float*,
                          std::int64_t, bool, bool);
template void gemm<double>(std::int64_t, std::int64_t, std::int64_t, MatView<double>, MatView<double>,
                           double*, std::int64_t, bool, bool);
template void gemm_batched<float>(std::int64_t, std::int64_t, std::int64_t, std::int64_t, const float*,
                                  const std::int64_t*, bool, const float*, const std::int64_t*, bool, float*,
                                  bool);
template void gemm_batched<double>(std::int64_t, std::int64_t, std::int64_t, std::int64_t, const double*,
                                   const std::int64_t*, bool, const double*, const std::int64_t*, bool,
                                   double*, bool);

}  // namespace elm::cpu
