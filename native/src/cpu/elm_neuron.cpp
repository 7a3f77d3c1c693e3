// CPU kernels of the fused ELM neuron (ELM_SPEC §2, §3). The trace is a linear
// filter of the input, independent of the memory, so each pass splits into
//   forward:  A. traces and u_t for all t (per sample; v2's branch sums visit
//                only the non-zero inputs of spike-sparse rows, see "The
//                spike-sparse synapse path" below)
//             B. pre0 = b0 + W0[:, :dTree] u_t for all (b,t) at once (one GEMM)
//             C. the recurrence over t: pre0 += W0[:, dTree:] (κ_m ⊙ m_{t−1}),
//                hidden layers, Δm_t = ctanh(W_L h + b_L), m_t (per sample block;
//                B = 8 on 2 threads: 4 samples per thread)
//   backward: D. the recurrence reversed: dL/d pre of every layer for all (b,t)
//             E. dL/du_t = dPre0 W0[:, :dTree] (one GEMM)
//             F. traces reversed (per sample): dκ, dTrace0; dw_s (sparse like A);
//                dx by the inverse routing (per input channel, the synapses
//                reading it), skipped when the caller passes dx = null
//             G. weight gradients dW_l = Σ_{b,t} dPre_l ⊗ input_l: GEMMs over
//                kGradParts fixed row parts × layers, spread over the threads
// Per-sample (and per-part) partial sums are reduced in a fixed order: results
// do not depend on the thread count, nor on the synapse path taken.
#include "cpu/elm_neuron.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <utility>
#include <type_traits>
#include <cstdlib>
#include <vector>

#include "cpu/dense_gemm.h"
#include "cpu/elm_neuron_gemm.h"
#include "cpu/huge_pages.h"
#include "cpu/parallel.h"
#include "cpu/phase_timer.h"
#include "cpu/scratch_pool.h"

namespace elm::cpu {
namespace {

using neuron_gemm::PaddedMatrix;
using neuron_gemm::rows_times_w;

// Samples advanced together in the recurrences (rows of one micro-tile).
constexpr index_t kSampleBlock = 8;
// Parts the rows (b,t) are cut into for the weight gradients (fixed: results
// must not depend on the thread count).
constexpr index_t kGradParts = 4;

template <class T>
struct Weights {
  PaddedMatrix<T> w0a_t;  // [dM][dMlp]     = W0[:, dTree:]ᵀ   (forward C)
  std::vector<PaddedMatrix<T>> wt;  // layer l ≥ 1: W_lᵀ [in][out]   (forward C)
  PaddedMatrix<T> w0a;    // [dMlp][dM]     = W0[:, dTree:]     (backward D)
  std::vector<PaddedMatrix<T>> w;   // layer l ≥ 1: W_l [out][in]    (backward D)
};

template <class T>
Weights<T> forward_weights(const NeuronDims& d, const NeuronInputs<T>& in) {
  Weights<T> W;
  const int nZ = d.nZ();
  W.w0a_t = PaddedMatrix<T>(d.dM, d.dMlp, in.mlpW[0] + d.dTree, 1, nZ);
  W.wt.resize(d.lMlp + 1);
  for (int l = 1; l <= d.lMlp; ++l) {
    const int nOut = l == d.lMlp ? d.dM : d.dMlp;
    W.wt[l] = PaddedMatrix<T>(d.dMlp, nOut, in.mlpW[l], 1, d.dMlp);
  }
  return W;
}

template <class T>
Weights<T> backward_weights(const NeuronDims& d, const NeuronInputs<T>& in) {
  Weights<T> W;
  const int nZ = d.nZ();
  W.w0a = PaddedMatrix<T>(d.dMlp, d.dM, in.mlpW[0] + d.dTree, nZ, 1);
  W.w.resize(d.lMlp + 1);
  for (int l = 1; l <= d.lMlp; ++l) {
    const int nOut = l == d.lMlp ? d.dM : d.dMlp;
    W.w[l] = PaddedMatrix<T>(nOut, d.dMlp, in.mlpW[l], d.dMlp, 1);
  }
  return W;
}

// The synapse gathers r_j = x_t[src_j]. GCC does not emit gathers for these
// loops on current Intel tuning, so AVX-512 builds use them explicitly.
// out_j = w_j · x[src_j]
template <class T>
inline void gather_scale(int n, const T* __restrict w, const T* __restrict x, const int* __restrict src, T* __restrict out) {
  int j = 0;
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>) {
    for (; j + 16 <= n; j += 16) {
      const __m512 xv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, _mm512_loadu_si512(src + j), x, 4);
      _mm512_storeu_ps(out + j, _mm512_mul_ps(_mm512_loadu_ps(w + j), xv));
    }
  } else {
    for (; j + 8 <= n; j += 8) {
      const __m512d xv = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + j)), x, 8);
      _mm512_storeu_pd(out + j, _mm512_mul_pd(_mm512_loadu_pd(w + j), xv));
    }
  }
#endif
  for (; j < n; ++j) out[j] = w[j] * x[src[j]];
}

// acc_j = fma(g_j · mask_j, x[src_j], acc_j)
template <class T>
inline void gather_accumulate(int n, const T* __restrict g, const T* __restrict mask, const T* __restrict x,
                              const int* __restrict src, T* __restrict acc) {
  int j = 0;
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<T, float>) {
    for (; j + 16 <= n; j += 16) {
      const __m512 xv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, _mm512_loadu_si512(src + j), x, 4);
      const __m512 gm = _mm512_mul_ps(_mm512_loadu_ps(g + j), _mm512_loadu_ps(mask + j));
      _mm512_storeu_ps(acc + j, _mm512_fmadd_ps(gm, xv, _mm512_loadu_ps(acc + j)));
    }
  } else {
    for (; j + 8 <= n; j += 8) {
      const __m512d xv = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + j)), x, 8);
      const __m512d gm = _mm512_mul_pd(_mm512_loadu_pd(g + j), _mm512_loadu_pd(mask + j));
      _mm512_storeu_pd(acc + j, _mm512_fmadd_pd(gm, xv, _mm512_loadu_pd(acc + j)));
    }
  }
#endif
  for (; j < n; ++j) acc[j] = std::fma(g[j] * mask[j], x[src[j]], acc[j]);
}

// tanh for float as a rational function (the minimax form Eigen uses: odd
// degree-13 numerator, even degree-6 denominator, clamped at ±7.905), which
// vectorises; within 4e-7 relative of tanh (max over a 1e-5 grid on [−12, 12],
// vs 1.6e-7 for libm's tanhf); the float32 kernel tests against the float64
// oracle cover it. Double uses tanh().
inline float tanh_rational(float x) {
  const float c = 7.90531110763549805f;
  x = x < -c ? -c : (x > c ? c : x);
  const float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 + -8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  p = p * x;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return (x < 0.0004f && x > -0.0004f) ? x : p / q;
}

// Δm = ctanh(o), m = a + gain ⊙ Δm over n units (ELM_SPEC §2).
inline void memory_update_row(int n, const float* __restrict a, const float* __restrict gain, const float* __restrict o,
                              float* __restrict dm, float* __restrict m) {
  for (int k = 0; k < n; ++k) {
    const float v = ctanh_scale<float>() * tanh_rational(ctanh_slope<float>() * o[k]);
    dm[k] = v;
    m[k] = a[k] + gain[k] * v;
  }
}
inline void memory_update_row(int n, const double* a, const double* gain, const double* o, double* dm, double* m) {
  for (int k = 0; k < n; ++k) m[k] = memory_update(a[k], gain[k], o[k], dm + k);
}

// Per-synapse constants: the input each synapse reads (ELM_SPEC §1), its mask,
// w_s ⊙ mask and its branch; and the inverse routing (CSR over input
// channels: the synapses reading channel c, in ascending synapse order).
template <class T>
struct Synapses {
  std::vector<int> src, branch;
  std::vector<T> mask, wm;
  std::vector<int> inv_off, inv_syn;  // [dIn+1], [dS]
  std::vector<int> inv_branch;        // branch of inv_syn[p]
  std::vector<int> br_src;            // per branch, its synapses' sources in (source, synapse) order
  std::vector<T> br_wm;               // and their w_s ⊙ mask
  std::vector<T> inv_wm, inv_mask;    // (w_s ⊙ mask)[inv_syn[p]], mask[inv_syn[p]]
  // dx by the inverse routing, laid out for SIMD (sliced ELLPACK): channels in
  // groups of kLanes consecutive ones (sorting them by synapse count would need
  // fewer slots but a scatter to store, which costs more here); group q has
  // dx_rows[q] slots per lane (its longest channel), slot r of lane
  // l holds the r-th synapse j reading channel dx_perm[q·kLanes + l] (ascending
  // j) as dx_g (its index into dL/d trace: j for v1, its branch for v2; dTr, a
  // zero, for padding) and dx_w = (w_s ⊙ mask)_j (0 for padding).
  static constexpr int kLanes = 64 / sizeof(T);
  std::vector<int> dx_perm, dx_rows, dx_first;  // [groups·kLanes] (−1: no channel), [groups], [groups]
  std::vector<int> dx_g;
  std::vector<T> dx_w;
  bool wm_finite = true, mask_finite = true;
  Synapses(const NeuronDims& d, const NeuronInputs<T>& in)
      : src(d.dS), branch(d.dS), mask(d.dS), wm(d.dS), inv_off(d.dIn + 1, 0), inv_syn(d.dS) {
    for (int j = 0; j < d.dS; ++j) {
      src[j] = route_source(in, j);
      branch[j] = j / d.dBrch;
      mask[j] = in.routeMask ? in.routeMask[j] : T(1);
      wm[j] = in.wS[j] * mask[j];
      wm_finite = wm_finite && std::isfinite(wm[j]);
      mask_finite = mask_finite && std::isfinite(mask[j]);
      ++inv_off[src[j] + 1];
    }
    for (int c = 0; c < d.dIn; ++c) inv_off[c + 1] += inv_off[c];
    std::vector<int> fill(inv_off.begin(), inv_off.end() - 1);
    for (int j = 0; j < d.dS; ++j) inv_syn[fill[src[j]]++] = j;
    br_src.resize(d.dS);
    br_wm.resize(d.dS);
    std::vector<int> fill_br(d.dTree);
    for (int k = 0; k < d.dTree; ++k) fill_br[k] = k * d.dBrch;
    for (int p = 0; p < d.dS; ++p) {  // inverse routing order = (source, synapse) order
      const int j = inv_syn[p], at = fill_br[branch[j]]++;
      br_src[at] = src[j];
      br_wm[at] = wm[j];
    }
    inv_branch.resize(d.dS);
    inv_wm.resize(d.dS);
    inv_mask.resize(d.dS);
    for (int p = 0; p < d.dS; ++p) {
      inv_branch[p] = branch[inv_syn[p]];
      inv_wm[p] = wm[inv_syn[p]];
      inv_mask[p] = mask[inv_syn[p]];
    }
    std::vector<int> order(d.dIn);
    for (int c = 0; c < d.dIn; ++c) order[c] = c;
    const auto count = [&](int c) { return inv_off[c + 1] - inv_off[c]; };
    const int groups = (d.dIn + kLanes - 1) / kLanes;
    dx_perm.assign(static_cast<size_t>(groups) * kLanes, -1);
    dx_rows.resize(groups);
    dx_first.resize(groups);
    int slots = 0;
    for (int q = 0; q < groups; ++q) {
      dx_first[q] = slots;
      dx_rows[q] = 0;
      for (int i = q * kLanes; i < std::min(d.dIn, (q + 1) * kLanes); ++i) dx_rows[q] = std::max(dx_rows[q], count(order[i]));
      slots += dx_rows[q];
    }
    dx_g.assign(static_cast<size_t>(slots) * kLanes, d.dTr());
    dx_w.assign(static_cast<size_t>(slots) * kLanes, T(0));
    for (int i = 0; i < d.dIn; ++i) {
      const int q = i / kLanes, l = i % kLanes, c = order[i];
      dx_perm[i] = c;
      for (int r = 0; r < count(c); ++r) {
        const int j = inv_syn[inv_off[c] + r];
        const size_t at = static_cast<size_t>(dx_first[q] + r) * kLanes + l;
        dx_g[at] = d.variant == 1 ? j : branch[j];
        dx_w[at] = wm[j];
      }
    }
  }
};

// The spike-sparse synapse path. Inputs such as SHD spikes are mostly exact
// zeros. The synapse sums below visit the inputs channel by channel (ascending
// c, and for each channel the synapses reading it, ascending j, by the inverse
// routing), with fused multiply-adds:
//   v2 branch drive  b_k += Σ_c Σ_{j reading c, j in branch k} (w_s ⊙ mask)_j · x_t[c]
//   dL/dw_s,j        += g_j · mask_j · x_t[src_j]
// A channel with x_t[c] = 0 adds ±0 to each sum (its other factors finite);
// a sum starting at +0 is unchanged by ±0, so the sparse path skips those
// channels and gives the dense path's bits. Where a skipped factor may be
// non-finite (0·inf = NaN) the row runs dense: non-finite w_s ⊙ mask
// (forward), non-finite mask or dL/d(w_s ⊙ r_t) (backward). The only bits it
// cannot reproduce: a sum that underflowed to −0 (a product below the smallest
// subnormal) followed by a skipped term.
std::atomic<NeuronSynapsePath> g_synapse_path{NeuronSynapsePath::kAuto};
// auto: a row runs sparse when at most this fraction of its inputs is non-zero.
constexpr double kSparseMaxNonZero = 0.25;

// The synapse phases stream x one row per step, with little work per row on
// the sparse path: fetch the row kPrefetchRows steps ahead (a descending
// stream in the backward pass).
constexpr index_t kPrefetchRows = 2;
template <class T>
inline void prefetch_row(const T* row, int n) {
  if (!row) return;
  for (int c = 0; c < n; c += 64 / static_cast<int>(sizeof(T))) __builtin_prefetch(row + c);
}

// The non-zero channels of one row (x ≠ 0, NaN included), when the row takes
// the sparse path.
struct RowChannels {
  std::vector<int> list;
  int n = 0;
  explicit RowChannels(const NeuronDims& d) : list(d.dIn) {}

  // true: the row runs sparse over list[0, n); false: dense.
  template <class T>
  bool select(const NeuronDims& d, const T* __restrict xt, bool sparse_allowed) {
    const NeuronSynapsePath mode = g_synapse_path.load(std::memory_order_relaxed);
    n = 0;
    if (sparse_allowed && mode != NeuronSynapsePath::kDense) {
      int c = 0;
#if defined(__AVX512F__)
      if constexpr (std::is_same_v<T, float>) {
        for (; c + 16 <= d.dIn; c += 16) {
          for (unsigned m = _mm512_cmpneq_ps_mask(_mm512_loadu_ps(xt + c), _mm512_setzero_ps()); m; m &= m - 1)
            list[n++] = c + __builtin_ctz(m);
        }
      }
#endif
      for (; c < d.dIn; ++c)
        if (xt[c] != T(0)) list[n++] = c;
      return mode == NeuronSynapsePath::kSparse || n <= kSparseMaxNonZero * d.dIn;
    }
    return false;
  }
};

// A. s_t / b_t and u_t for one sample, all t (ELM_SPEC §2, §3):
//   v1: s_t = κ_s ⊙ s_{t−1} + w_s ⊙ r_t, u_t = branch_sum(s_t)
//   v2: b_t = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ r_t), u_t = b_t
// v2's branch sums run sparse on rows with few non-zero inputs (above).
template <class T>
void trace_forward(const NeuronDims& d, const NeuronInputs<T>& in, const Synapses<T>& syn, const NeuronSaved<T>& sv, index_t b) {
  const int dTr = d.dTr(), nZ = d.nZ(), nb = d.dBrch;
  const int* __restrict src = syn.src.data();
  const T* __restrict wm = syn.wm.data();
  const T* kappa = in.kappaTrace;
  std::vector<T> drive_buf(d.dS);
  T* __restrict drive = drive_buf.data();
  RowChannels rows(d);
  for (index_t t = 0; t < d.T; ++t) {
    const index_t bt = b * d.T + t;
    const T* __restrict xt = in.x + bt * d.dIn;
    prefetch_row(t + kPrefetchRows < d.T ? xt + kPrefetchRows * d.dIn : nullptr, d.dIn);
    T* cur = sv.trace + bt * dTr;
    const T* prev = t > 0 ? cur - dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
    T* u = sv.z + bt * nZ;
    if (d.variant == 1) {
      gather_scale(d.dS, wm, xt, src, drive);
      for (int j = 0; j < d.dS; ++j) cur[j] = (prev ? kappa[j] * prev[j] : T(0)) + drive[j];
      for (int k = 0; k < d.dTree; ++k) {
        T s = T(0);
        for (int e = 0; e < nb; ++e) s += cur[k * nb + e];
        u[k] = s;
      }
    } else {
      // drive[k] = Σ over channels c, then synapses j reading c, of (w_s ⊙ mask)_j · x_t[c]:
      // sparse, the non-zero channels by the inverse routing; dense, each branch's
      // synapses in (source, synapse) order, the same terms in the same order
      if (rows.select(d, xt, syn.wm_finite)) {
        std::fill(drive, drive + d.dTree, T(0));
        for (int i = 0; i < rows.n; ++i) {
          const int c = rows.list[i];
          const T xc = xt[c];
          for (int p = syn.inv_off[c]; p < syn.inv_off[c + 1]; ++p) {
            const int k = syn.inv_branch[p];
            drive[k] = std::fma(syn.inv_wm[p], xc, drive[k]);
          }
        }
      } else {
        for (int k = 0; k < d.dTree; ++k) {
          T s = T(0);
          for (int e = k * nb; e < (k + 1) * nb; ++e) s = std::fma(syn.br_wm[e], xt[syn.br_src[e]], s);
          drive[k] = s;
        }
      }
      for (int k = 0; k < d.dTree; ++k) {
        const T v = (prev ? kappa[k] * prev[k] : T(0)) + drive[k];
        cur[k] = v;
        u[k] = v;
      }
    }
  }
}

// C. The recurrence for samples [b0, b0+S), all t.
template <class T>
void recurrence_forward(const NeuronDims& d, const NeuronInputs<T>& in, const Weights<T>& W, const NeuronSaved<T>& sv,
                        index_t b0, index_t S) {
  const int nZ = d.nZ(), nH = d.nH(), dM = d.dM, H = d.dMlp, L = d.lMlp;
  const index_t T_ = d.T;
  std::vector<T> out(static_cast<size_t>(S) * dM);
  for (index_t t = 0; t < T_; ++t) {
    const index_t row0 = b0 * T_ + t;  // row of sample b0 at step t; sample s is row0 + s·T
    // a_t = κ_m ⊙ m_{t−1} → z[:, dTree:]
    for (index_t s = 0; s < S; ++s) {
      const index_t bt = row0 + s * T_;
      const T* mPrev = t > 0 ? sv.m + (bt - 1) * dM : in.m0 ? in.m0 + (b0 + s) * dM : nullptr;
      T* a = sv.z + bt * nZ + d.dTree;
      for (int k = 0; k < dM; ++k) a[k] = mPrev ? in.kappaM[k] * mPrev[k] : T(0);
    }
    // layer 0: pre0 (already b0 + W0u u_t) += W0a a_t
    rows_times_w<T>(S, sv.z + row0 * nZ + d.dTree, T_ * nZ, W.w0a_t, sv.pre + row0 * nH, T_ * nH, nullptr, true);
    for (int l = 0; l < L; ++l) {
      for (index_t s = 0; s < S; ++s) {
        const index_t off = (row0 + s * T_) * nH + static_cast<index_t>(l) * H;
        const T* p = sv.pre + off;
        T* q = sv.post + off;
        for (int j = 0; j < H; ++j) q[j] = activate(d.act, p[j]);
      }
      const T* X = sv.post + row0 * nH + static_cast<index_t>(l) * H;
      if (l + 1 < L) {
        rows_times_w<T>(S, X, T_ * nH, W.wt[l + 1], sv.pre + row0 * nH + static_cast<index_t>(l + 1) * H, T_ * nH,
                        in.mlpB[l + 1], false);
      } else {
        rows_times_w<T>(S, X, T_ * nH, W.wt[L], out.data(), dM, in.mlpB[L], false);
      }
    }
    // Δm_t = ctanh(o_t), m_t = a_t + gain ⊙ Δm_t
    for (index_t s = 0; s < S; ++s) {
      const index_t bt = row0 + s * T_;
      const T* a = sv.z + bt * nZ + d.dTree;
      T* dm = sv.deltaM + bt * dM;
      T* m = sv.m + bt * dM;
      const T* o = out.data() + s * dM;
      memory_update_row(dM, a, in.gain, o, dm, m);
    }
  }
}

template <class T>
void for_sample_blocks(index_t B, const std::function<void(index_t, index_t)>& fn) {
  // one chunk per thread (grain 1 sample), each split into blocks of kSampleBlock
  parallel_for(B, 1, [&](index_t begin, index_t end) {
    for (index_t b = begin; b < end; b += kSampleBlock) fn(b, std::min(kSampleBlock, end - b));
  });
}

}  // namespace

void set_neuron_synapse_path(NeuronSynapsePath path) { g_synapse_path.store(path); }
NeuronSynapsePath neuron_synapse_path() { return g_synapse_path.load(); }

template <class T>
void elm_neuron_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT, T* mT) {
  const index_t N = d.B * d.T;
  const int nZ = d.nZ(), nH = d.nH(), dTr = d.dTr();
  PhaseTimer timer("elm_neuron", "ELM_NEURON_PROFILE", "forward");
  const auto advise = [&](const T* p, index_t perRow) { advise_huge_pages(p, sizeof(T) * static_cast<size_t>(N * perRow)); };
  advise(sv.trace, dTr), advise(sv.z, nZ), advise(sv.pre, nH), advise(sv.post, nH), advise(sv.deltaM, d.dM), advise(sv.m, d.dM);
  const Weights<T> W = forward_weights(d, in);
  const Synapses<T> syn(d, in);
  // A
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    for (index_t b = b0; b < b1; ++b) trace_forward(d, in, syn, sv, b);
  });
  timer.mark("A traces");
  // B: pre0 = b0 + W0[:, :dTree] u_t over all rows (@elm/core's packed GEMM)
  parallel_for(N, 256, [&](index_t r0, index_t r1) {
    for (index_t r = r0; r < r1; ++r) std::copy(in.mlpB[0], in.mlpB[0] + d.dMlp, sv.pre + r * nH);
  });
  gemm<T>(N, d.dMlp, d.dTree, MatView<T>{sv.z, nZ, 1}, MatView<T>{in.mlpW[0], 1, nZ}, sv.pre, nH, true);
  timer.mark("B input GEMM");
  // C
  for_sample_blocks<T>(d.B, [&](index_t b0, index_t S) { recurrence_forward(d, in, W, sv, b0, S); });
  timer.mark("C recurrence");
  for (index_t b = 0; b < d.B; ++b) {
    const index_t last = b * d.T + d.T - 1;
    std::copy(sv.trace + last * dTr, sv.trace + (last + 1) * dTr, traceT + b * dTr);
    std::copy(sv.m + last * d.dM, sv.m + (last + 1) * d.dM, mT + b * d.dM);
  }
}

namespace {

// The backward's large buffers are uninitialised (every element is written before
// it is read) and recycled across calls (cpu/scratch_pool.h): the first touch of
// fresh pages (page faults) costs about as much as the work of a phase writing them.
template <class T>
struct BackwardScratch {
  explicit BackwardScratch(index_t N, int nH, int dM, int dTree)
      : dPreH(static_cast<size_t>(N) * nH), dPreOut(static_cast<size_t>(N) * dM), dU(static_cast<size_t>(N) * dTree) {}
  ScratchBuffer<T> dPreH;    // [B,T,nH]  dL/d pre of the hidden layers
  ScratchBuffer<T> dPreOut;  // [B,T,dM]  dL/d o_t (output layer)
  ScratchBuffer<T> dU;       // [B,T,dTree]
  std::vector<T> accGain, accKappaM;  // [B,dM] per-sample partial sums
  std::vector<T> accWS, accKappaTrace;  // [B,dS], [B,dTr]
};

// D. The recurrence reversed for samples [b0, b0+S).
template <class T>
void recurrence_backward(const NeuronDims& d, const NeuronInputs<T>& in, const Weights<T>& W, const NeuronSaved<T>& sv,
                         const T* dM, const T* dMT, BackwardScratch<T>& sc, T* dM0, index_t b0, index_t S) {
  const int nH = d.nH(), dMn = d.dM, H = d.dMlp, L = d.lMlp;
  const index_t T_ = d.T;
  std::vector<T> carry(static_cast<size_t>(S) * dMn), gm(static_cast<size_t>(S) * dMn), da(static_cast<size_t>(S) * dMn);
  for (index_t s = 0; s < S; ++s)
    for (int k = 0; k < dMn; ++k) carry[s * dMn + k] = dMT ? dMT[(b0 + s) * dMn + k] : T(0);
  for (index_t t = T_ - 1; t >= 0; --t) {
    const index_t row0 = b0 * T_ + t;
    // m_t = a_t + gain ⊙ ctanh(o_t)
    for (index_t s = 0; s < S; ++s) {
      const index_t bt = row0 + s * T_;
      const T* dmt = sv.deltaM + bt * dMn;
      T* accG = sc.accGain.data() + (b0 + s) * dMn;
      T* dOut = sc.dPreOut.data() + bt * dMn;
      const T* __restrict dMt = dM + bt * dMn;
      const T* __restrict cs = carry.data() + s * dMn;
      T* __restrict gs = gm.data() + s * dMn;
      T* __restrict dO = dOut;
      T* __restrict aG = accG;
      for (int k = 0; k < dMn; ++k) {  // (restrict: one vectorised loop, no overlap checks)
        const T g = dMt[k] + cs[k];
        gs[k] = g;
        dO[k] = memory_update_backward(g, in.gain[k], dmt[k], aG + k);
      }
    }
    // down the MLP: dh_{l} = W_{l+1}ᵀ dPre_{l+1}, dPre_l = dh_l ⊙ act'(pre_l)
    for (int l = L - 1; l >= 0; --l) {
      T* dPl = sc.dPreH.data() + row0 * nH + static_cast<index_t>(l) * H;
      if (l == L - 1) {
        rows_times_w<T>(S, sc.dPreOut.data() + row0 * dMn, T_ * dMn, W.w[L], dPl, T_ * nH, nullptr, false);
      } else {
        rows_times_w<T>(S, dPl + H, T_ * nH, W.w[l + 1], dPl, T_ * nH, nullptr, false);
      }
      for (index_t s = 0; s < S; ++s) {
        const index_t off = (row0 + s * T_) * nH + static_cast<index_t>(l) * H;
        T* __restrict dp = sc.dPreH.data() + off;
        const T* __restrict p = sv.pre + off;
        // the activation chosen outside the loop, so each loop vectorises
        if (d.act == Activation::relu) for (int j = 0; j < H; ++j) dp[j] *= relu_grad(p[j]);
        else for (int j = 0; j < H; ++j) dp[j] *= silu_grad(p[j]);
      }
    }
    // a_t = κ_m ⊙ m_{t−1} feeds the MLP and the update: da = gm + W0aᵀ dPre0
    rows_times_w<T>(S, sc.dPreH.data() + row0 * nH, T_ * nH, W.w0a, da.data(), dMn, nullptr, false);
    for (index_t s = 0; s < S; ++s) {
      const index_t bt = row0 + s * T_;
      const T* mPrev = t > 0 ? sv.m + (bt - 1) * dMn : in.m0 ? in.m0 + (b0 + s) * dMn : nullptr;
      T* accK = sc.accKappaM.data() + (b0 + s) * dMn;
      for (int k = 0; k < dMn; ++k) {
        const T a = gm[s * dMn + k] + da[s * dMn + k];
        if (mPrev) accK[k] += a * mPrev[k];
        carry[s * dMn + k] = a * in.kappaM[k];
      }
    }
  }
  for (index_t s = 0; s < S; ++s)
    for (int k = 0; k < dMn; ++k) dM0[(b0 + s) * dMn + k] = carry[s * dMn + k];
}

// Entries of the register table input_gradient_row looks g_j up in.
constexpr int kDxTable = 128;

// dx_t[c] = Σ_{j reading c} g_j · (w_s ⊙ mask)_j, fused multiply-adds in ascending j
// (padding slots add 0·0), by the sliced-ELLPACK inverse routing of Synapses.
// gs[gi(j)] = g_j; gs[dTr] = 0, and zeros up to kDxTable entries when dTr < kDxTable.
template <class T>
void input_gradient_row(const NeuronDims& d, const Synapses<T>& syn, const T* __restrict gs, T* __restrict dxt) {
  constexpr int C = Synapses<T>::kLanes;
  const int groups = static_cast<int>(syn.dx_rows.size());
#if defined(__AVX512F__)
  // float: gs in eight registers when dL/d trace has < 128 entries (gs then holds 128)
  [[maybe_unused]] const bool lookup = std::is_same_v<T, float> && d.dTr() < kDxTable;
  [[maybe_unused]] __m512 tab[8];
  for (int i = 0; i < 8; ++i) tab[i] = _mm512_setzero_ps();
  if constexpr (std::is_same_v<T, float>) {
    if (lookup)
      for (int i = 0; i < 8; ++i) tab[i] = _mm512_loadu_ps(gs + 16 * i);
  }
#endif
  for (int q = 0; q < groups; ++q) {
    const int* __restrict gi = syn.dx_g.data() + static_cast<size_t>(syn.dx_first[q]) * C;
    const T* __restrict w = syn.dx_w.data() + static_cast<size_t>(syn.dx_first[q]) * C;
    const int* __restrict perm = syn.dx_perm.data() + static_cast<size_t>(q) * C;
    const int rows = syn.dx_rows[q];
#if defined(__AVX512F__)
    if constexpr (std::is_same_v<T, float>) {
      __m512 acc = _mm512_setzero_ps();
      if (lookup) {
        // g_j from a 128-entry table in registers (gs is padded with zeros to 128)
        // instead of a memory gather: four two-register permutes, blended by index bits 5 and 6
        const __m512i b5 = _mm512_set1_epi32(32), b6 = _mm512_set1_epi32(64);
        for (int r = 0; r < rows; ++r) {
          const __m512i iv = _mm512_loadu_si512(gi + r * C);
          const __mmask16 m5 = _mm512_test_epi32_mask(iv, b5), m6 = _mm512_test_epi32_mask(iv, b6);
          const __m512 lo = _mm512_mask_blend_ps(m5, _mm512_permutex2var_ps(tab[0], iv, tab[1]), _mm512_permutex2var_ps(tab[2], iv, tab[3]));
          const __m512 hi = _mm512_mask_blend_ps(m5, _mm512_permutex2var_ps(tab[4], iv, tab[5]), _mm512_permutex2var_ps(tab[6], iv, tab[7]));
          acc = _mm512_fmadd_ps(_mm512_mask_blend_ps(m6, lo, hi), _mm512_loadu_ps(w + r * C), acc);
        }
      } else {
        for (int r = 0; r < rows; ++r) {
          const __m512 gv = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, _mm512_loadu_si512(gi + r * C), gs, 4);
          acc = _mm512_fmadd_ps(gv, _mm512_loadu_ps(w + r * C), acc);
        }
      }
      // channels in natural order: group q is dx[q·C, q·C + C), the last one masked
      _mm512_mask_storeu_ps(dxt + q * C, _mm512_cmpge_epi32_mask(_mm512_loadu_si512(perm), _mm512_setzero_si512()), acc);
      continue;
    } else {
      __m512d acc = _mm512_setzero_pd();
      for (int r = 0; r < rows; ++r) {
        const __m512d gv = _mm512_mask_i32gather_pd(_mm512_setzero_pd(), 0xFF, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(gi + r * C)), gs, 8);
        acc = _mm512_fmadd_pd(gv, _mm512_loadu_pd(w + r * C), acc);
      }
      const __m256i pv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(perm));
      _mm512_mask_storeu_pd(dxt + q * C, _mm256_cmpge_epi32_mask(pv, _mm256_setzero_si256()), acc);
      continue;
    }
#endif
    T acc[C] = {};
    for (int r = 0; r < rows; ++r)
      for (int l = 0; l < C; ++l) acc[l] = std::fma(gs[gi[r * C + l]], w[r * C + l], acc[l]);
    for (int l = 0; l < C; ++l)
      if (perm[l] >= 0) dxt[perm[l]] = acc[l];
  }
}

// F. The traces reversed for one sample (ELM_SPEC §2, §3). With g_j = dL/d(w_s ⊙ r_t)_j
// (per synapse for v1; for v2 the branch's value, g_j = g_{branch(j)}):
//   dκ += g ⊙ trace_{t−1}, dw_s,j += g_j · mask_j · x_t[src_j] (sparse on rows with
//   few non-zero inputs), dx_t[c] = Σ_{j reading c} g_j · (w_s ⊙ mask)_j (by the
//   inverse routing, ascending j; skipped when dx is null).
template <class T>
void trace_backward(const NeuronDims& d, const NeuronInputs<T>& in, const Synapses<T>& syn, const NeuronSaved<T>& sv,
                    const T* dTraceT, BackwardScratch<T>& sc, const NeuronGrads<T>& g, index_t b) {
  const int dTr = d.dTr(), dS = d.dS, nb = d.dBrch;
  // gs_buf[dTr] = 0 (dx's padding slots), zero-padded to dx's lookup table
  std::vector<T> carry(dTr), gs_buf(std::max(dTr + 1, kDxTable), T(0)), gsyn_buf(dS);
  T* __restrict gs = gs_buf.data();
  T* __restrict gsyn = gsyn_buf.data();
  RowChannels rows(d);
  for (int k = 0; k < dTr; ++k) carry[k] = dTraceT ? dTraceT[b * dTr + k] : T(0);
  T* __restrict accWS = sc.accWS.data() + b * dS;
  T* accKT = sc.accKappaTrace.data() + b * dTr;
  for (index_t t = d.T - 1; t >= 0; --t) {
    const index_t bt = b * d.T + t;
    const T* du = sc.dU.data() + bt * d.dTree;
    const T* prev = t > 0 ? sv.trace + (bt - 1) * dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
    const T* __restrict xt = in.x + bt * d.dIn;
    prefetch_row(t >= kPrefetchRows ? xt - kPrefetchRows * d.dIn : nullptr, d.dIn);
    // gs = dL/d(trace_t) (the trace is s_t for v1, b_t for v2)
    if (d.variant == 1) {
      for (int k = 0; k < dTr; ++k) gs[k] = du[k / nb] + carry[k];
    } else {
      for (int k = 0; k < dTr; ++k) gs[k] = du[k] + carry[k];
    }
    if (prev)
      for (int k = 0; k < dTr; ++k) accKT[k] += gs[k] * prev[k];
    int finite = 1;
    for (int k = 0; k < dTr; ++k) {
      carry[k] = gs[k] * in.kappaTrace[k];
      finite &= gs[k] - gs[k] == T(0);
    }
    // dL/dw_s,j = fma(g_j · mask_j, x_t[src_j], dL/dw_s,j): one term per synapse and row, so
    // the sparse path (the synapses reading non-zero channels) and the dense one agree
    if (rows.select(d, xt, finite && syn.mask_finite)) {
      for (int i = 0; i < rows.n; ++i) {
        const int c = rows.list[i];
        const T xc = xt[c];
        for (int p = syn.inv_off[c]; p < syn.inv_off[c + 1]; ++p) {
          const int j = syn.inv_syn[p];
          accWS[j] = std::fma(gs[d.variant == 1 ? j : syn.inv_branch[p]] * syn.inv_mask[p], xc, accWS[j]);
        }
      }
    } else if (d.variant == 1) {
      gather_accumulate(dS, gs, syn.mask.data(), xt, syn.src.data(), accWS);
    } else {
      for (int j = 0; j < dS; ++j) gsyn[j] = gs[syn.branch[j]];
      gather_accumulate(dS, gsyn, syn.mask.data(), xt, syn.src.data(), accWS);
    }
    if (g.dx) input_gradient_row(d, syn, gs, g.dx + bt * d.dIn);
  }
  for (int k = 0; k < dTr; ++k) g.dTrace0[b * dTr + k] = carry[k];
}

// Σ over samples of per-sample partials, in sample order.
template <class T>
void reduce_samples(const std::vector<T>& acc, index_t B, int n, T* out) {
  for (int k = 0; k < n; ++k) {
    T s = T(0);
    for (index_t b = 0; b < B; ++b) s += acc[b * n + k];
    out[k] = s;
  }
}

}  // namespace

template <class T>
void elm_neuron_backward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dM,
                         const T* dTraceT, const T* dMT, const NeuronGrads<T>& g) {
  const index_t N = d.B * d.T;
  const int nZ = d.nZ(), nH = d.nH(), H = d.dMlp, L = d.lMlp, dMn = d.dM;
  PhaseTimer timer("elm_neuron", "ELM_NEURON_PROFILE", "backward");
  if (g.dx) advise_huge_pages(g.dx, sizeof(T) * static_cast<size_t>(N * d.dIn));
  const Weights<T> W = backward_weights(d, in);
  BackwardScratch<T> sc(N, nH, dMn, d.dTree);
  sc.accGain.assign(static_cast<size_t>(d.B) * dMn, T(0));
  sc.accKappaM.assign(static_cast<size_t>(d.B) * dMn, T(0));
  sc.accWS.assign(static_cast<size_t>(d.B) * d.dS, T(0));
  sc.accKappaTrace.assign(static_cast<size_t>(d.B) * d.dTr(), T(0));
  timer.mark("scratch");
  // D
  for_sample_blocks<T>(d.B, [&](index_t b0, index_t S) { recurrence_backward(d, in, W, sv, dM, dMT, sc, g.dM0, b0, S); });
  timer.mark("D recurrence");
  // E: dU = dPre0 W0[:, :dTree]
  gemm<T>(N, d.dTree, d.dMlp, MatView<T>{sc.dPreH.data(), nH, 1}, MatView<T>{in.mlpW[0], nZ, 1}, sc.dU.data(), d.dTree, false);
  timer.mark("E dU GEMM");
  // F
  const Synapses<T> syn(d, in);
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    for (index_t b = b0; b < b1; ++b) trace_backward(d, in, syn, sv, dTraceT, sc, g, b);
  });
  reduce_samples(sc.accGain, d.B, dMn, g.dGain);
  reduce_samples(sc.accKappaM, d.B, dMn, g.dKappaM);
  reduce_samples(sc.accWS, d.B, d.dS, g.dWS);
  reduce_samples(sc.accKappaTrace, d.B, d.dTr(), g.dKappaTrace);
  timer.mark("F traces");
  // G: dW_l = Σ_n dPre_l[n] ⊗ input_l[n] = dPre_lᵀ input_l and db_l = Σ_n dPre_l[n] over the
  // rows n = (b,t), cut into kGradParts fixed row parts: one single-threaded GEMM
  // (@elm/core's packed kernel) per (part, layer), spread over the threads, then the
  // parts summed in part order — independent of the thread count.
  const int nL = L + 1;
  const index_t parts = std::min<index_t>(kGradParts, N);
  const auto nInOf = [&](int l) { return l == 0 ? nZ : H; };
  const auto nOutOf = [&](int l) { return l == L ? dMn : H; };
  std::vector<std::vector<T>> wPart(nL), bPart(nL);
  for (int l = 0; l < nL; ++l) {
    wPart[l].resize(static_cast<size_t>(parts) * nOutOf(l) * nInOf(l));
    bPart[l].assign(static_cast<size_t>(parts) * nOutOf(l), T(0));
  }
  // tasks part-major, so each thread's contiguous share holds every layer
  parallel_for(parts * nL, 1, [&](index_t i0, index_t i1) {
    for (index_t i = i0; i < i1; ++i) {
      const index_t part = i / nL;
      const int l = static_cast<int>(i % nL);
      const int nIn = nInOf(l), nOut = nOutOf(l);
      const index_t lda = l == L ? dMn : nH, ldx = l == 0 ? nZ : nH;
      const T* A = l == L ? sc.dPreOut.data() : sc.dPreH.data() + static_cast<index_t>(l) * H;
      const T* X = l == 0 ? sv.z : sv.post + static_cast<index_t>(l - 1) * H;
      const index_t r0 = N * part / parts, r1 = N * (part + 1) / parts;
      gemm<T>(nOut, nIn, r1 - r0, MatView<T>{A + r0 * lda, 1, lda}, MatView<T>{X + r0 * ldx, ldx, 1},
              wPart[l].data() + part * nOut * nIn, nIn, false, /*threaded=*/false);
      T* __restrict bs = bPart[l].data() + part * nOut;
      for (index_t n = r0; n < r1; ++n)
        for (int o = 0; o < nOut; ++o) bs[o] += A[n * lda + o];
    }
  });
  for (int l = 0; l < nL; ++l) {
    reduce_samples(wPart[l], parts, nOutOf(l) * nInOf(l), g.dMlpW[l]);
    reduce_samples(bPart[l], parts, nOutOf(l), g.dMlpB[l]);
  }
  timer.mark("G weight GEMMs");
}

template void elm_neuron_forward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, float*, float*);
template void elm_neuron_forward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, double*, double*);
template void elm_neuron_backward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, const float*,
                                         const float*, const float*, const NeuronGrads<float>&);
template void elm_neuron_backward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, const double*,
                                          const double*, const double*, const NeuronGrads<double>&);

}  // namespace elm::cpu
