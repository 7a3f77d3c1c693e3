// CPU ELM Network kernel (ELM_SPEC §4): see elm_network.h.
//
// Schedule. The batch is cut into row blocks fixed by B alone (≤ kRowBlock = 4
// rows, at least two blocks; block_rows); a block runs the whole sequence on one
// worker (rows never interact, so no barrier per step) and owns a gradient slot;
// slots are summed in block order, so results are bit-identical for any thread
// count. Per step t, for the R rows of a block:
//
//   forward   z_t = [x_t ; y_{t−1}] as row lanes (entry k holds the R rows side by
//             side), so each synapse of w ⊙ z_t[src] is one vector FMA for all rows
//             (four branches' chains interleaved: one alone waits on FMA latency);
//             b_t, κ_m ⊙ m_{t−1}, Δm = ctanh(out), m_t, y_t are whole-row loops over
//             all N neurons; per neuron only the MLP layers remain, register-blocked
//             products (elm_network_simd.h: R rows × 32 outputs in zmm accumulators
//             started from the packed bias; weights packed once per call as [in, out]).
//             b_t, m_t, Δm and the hidden pre-activations are computed in place in
//             `saved` (a block's R rows of a step are contiguous there), with plain
//             stores, and step t+1 reads m_t, b_t back from it while they are still in
//             cache. (Row buffers streamed out to `saved` with non-temporal stores after
//             each step cost 8 % more forward time: bench:pair 0.921, 0.894–0.962 — the
//             extra pass over 72 floats per neuron and row, and the streaming stores
//             draining in a burst.) With relu and one hidden layer the saved hidden row is
//             relu(pre) instead (keep_post): the backward reads it as layer 1's input,
//             and relu′(pre) = [relu(pre) > 0].
//   backward  the same in reverse: ∂L/∂y_t per row; per neuron, its R rows side by
//             side, ∂L/∂m_t, ∂L/∂W_y, ∂L/∂Δm and (after the products) the κ terms and
//             carries, with the sums over rows in registers; per neuron the products ∂L/∂in = W_lᵀ ∂L/∂out (weights packed
//             [out, in], the first layer's rows padded to half vectors only;
//             accumulators started from zero, act′ applied per neuron); the synapses
//             as lanes: ∂L/∂z_t = [dx_t ; ∂L/∂y_{t−1}] every step, source by source in
//             registers (without dx only ∂L/∂y_{t−1}), and ∂L/∂w (per-row partial
//             sums, added at the end) once per kSynSteps = 2 steps, each partial sum
//             loaded and stored once for both. The MLP
//             weight and bias gradients are deferred: each step keeps its ∂L/∂out and
//             layer inputs (neuron-major: one neuron's samples are contiguous), and
//             every kGradSteps = 8 steps ΔW_l += Σ ∂L/∂out ⊗ in runs
//             over those 8·R samples with the gradient tile in registers
//             (simd::outer_many) instead of a read-modify-write of W's gradient per
//             step. The next step's saved slices are prefetched during the neuron
//             loop (the saved sequences are far larger than the caches). The
//             per-neuron elementwise loops (∂L/∂W_y, ∂L/∂out, the layer-0 input, the
//             κ terms) run over each neuron's d_m and d_tree slices as whole and half
//             vectors (simd::slices), not as loops of run-time length.
//
// The math is that of elm/network.h (one sample, shared with the CUDA bodies),
// reordered; the activations are elm/activations.h. The tests hold both to the
// TypeScript oracle. ELM_NETWORK_PROFILE=1 prints per-phase times.
#include "cpu/elm_network.h"

#include <math.h>

// glibc's libmvec has SIMD variants of these: declaring them lets the compiler
// vectorise the loops applying elm::ctanh / silu (elm/activations.h) over a row
// instead of calling the scalar function per element.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
extern "C" {
float tanhf(float) __attribute__((simd("notinbranch")));
double tanh(double) __attribute__((simd("notinbranch")));
float expf(float) __attribute__((simd("notinbranch")));
double exp(double) __attribute__((simd("notinbranch")));
}
#endif

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/phase_timer.h"
#include "cpu/elm_network_simd.h"
#include "cpu/huge_pages.h"
#include "cpu/scratch_pool.h"
#include "elm/activations.h"

namespace elm::cpu {
namespace {

// Batch rows are cut into blocks fixed by B alone (not one per worker): each block
// owns a gradient slot, and the slots are summed in block order, so the results do
// not depend on the thread count. Blocks have at most kRowBlock rows (advanced
// together: weights loaded once for the rows, synapses as row lanes) and there are
// at least two when B ≥ 2, so two workers have work.
constexpr int kRowBlock = 4;  // (the lane vectors below are kRowBlock wide)
int block_rows(int B) { return std::min(kRowBlock, std::max(1, (B + 1) / 2)); }
int row_blocks(int B) { return (B + block_rows(B) - 1) / block_rows(B); }
// Steps whose MLP weight gradients are taken together in the backward scan (each
// gradient tile loaded and stored once per kGradSteps·R samples). Measured with
// pnpm bench:pair at N 64 (bit-identical): against 2, 4 took 0.954 of the backward
// (0.941–0.988) and 8 took 0.959 (0.933–0.975, 50 pairs); 8 against 4 0.973, 16
// against 8 0.989 (0.944–1.012). (Before the first layer's tile was transposed, 4
// was no faster than 2 and 8 slower.)
constexpr int kGradSteps = 8;
// Steps whose synapse weight gradients are taken in one pass (4: no faster).
constexpr int kSynSteps = 2;

// Synapses (ELM_SPEC §4: b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])) on
// row-interleaved ("lane") vectors: entry k of z_t holds the block's R ≤ 4 rows
// side by side, so one synapse — its index and weight loaded once — is one vector
// operation for all the rows (lanes past R are zero). Synapse q = i·kc + j is on
// branch n = ⌊q/dBrch⌋ = i·dTree + ⌊j/dBrch⌋.
template <class T>
struct Lane {
  typedef T v __attribute__((vector_size(kRowBlock * sizeof(T))));
};
template <class T>
using Lanes = typename Lane<T>::v;

// The loops below read through an index: GCC is kept from turning them into AVX-512
// gathers (slower than plain loads on recent Intel parts, microcode mitigations).
#if defined(__GNUC__) && !defined(__clang__)
#define ELM_NO_GATHER __attribute__((optimize("no-tree-vectorize")))
#else
#define ELM_NO_GATHER
#endif

// o[j][i] = v[i][j]: a 4 × 4 block transposed in registers (its own inverse).
template <class T>
inline void transpose4(const Lanes<T>* v, Lanes<T>* o) {
  const Lanes<T> t0 = __builtin_shufflevector(v[0], v[1], 0, 4, 1, 5), t1 = __builtin_shufflevector(v[0], v[1], 2, 6, 3, 7);
  const Lanes<T> t2 = __builtin_shufflevector(v[2], v[3], 0, 4, 1, 5), t3 = __builtin_shufflevector(v[2], v[3], 2, 6, 3, 7);
  o[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  o[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  o[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  o[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
}

// out[k][r] = rows[r][k] for k < n (rows past R, or null, read as zeros): 4 × 4
// blocks transposed in registers, the tail element by element.
static_assert(kRowBlock == 4, "rows_to_lanes transposes 4 × 4 blocks");
template <class T>
void rows_to_lanes(int R, const T* const* rows, int n, Lanes<T>* out) {
  const T* row[kRowBlock];
  for (int r = 0; r < kRowBlock; ++r) row[r] = r < R ? rows[r] : nullptr;
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    Lanes<T> v[kRowBlock];
    for (int r = 0; r < kRowBlock; ++r) {
      v[r] = Lanes<T>{};
      if (row[r]) std::memcpy(&v[r], row[r] + k, sizeof(Lanes<T>));
    }
    transpose4<T>(v, out + k);
  }
  for (; k < n; ++k) {
    Lanes<T> v = {};
    for (int r = 0; r < kRowBlock; ++r) v[r] = row[r] ? row[r][k] : T(0);
    out[k] = v;
  }
}

// rows[r][k] = in[k][r] for k < n, r < R: rows_to_lanes undone. (Its 16-byte stores
// are not for rows read back at once with wider loads: such a load waits for them.)
template <class T>
void lanes_to_rows(int R, const Lanes<T>* in, int n, T* const* rows) {
  int k = 0;
  for (; k + 4 <= n; k += 4) {
    Lanes<T> o[kRowBlock];
    transpose4<T>(in + k, o);
    for (int r = 0; r < R; ++r) std::memcpy(rows[r] + k, &o[r], sizeof(Lanes<T>));
  }
  for (; k < n; ++k)
    for (int r = 0; r < R; ++r) rows[r][k] = in[k][r];
}

// zT[k] = z_t[k] of each row: x_t (rows x[r]), then y_{t−1} (yPrev[r]; null = 0)
template <class T>
void lanes_z(const NetworkDims& d, int R, const T* const* x, const T* const* yPrev, Lanes<T>* zT) {
  rows_to_lanes(R, x, d.dIn, zT);
  rows_to_lanes(R, yPrev, d.dY(), zT + d.dIn);
}

// uT[n] = Σ_{synapses q of branch n} w[q]·zT[src[q]], in synapse order (as elm/network.h)
template <class T>
ELM_NO_GATHER void lanes_branch_sums(const NetworkDims& d, const std::int32_t* src, const T* w, const Lanes<T>* zT,
                                     Lanes<T>* uT) {
  const int nBr = d.N * d.dTree;
  int n = 0;
  for (; n + 4 <= nBr; n += 4) {  // four branches' chains interleaved (each still in synapse order)
    const index_t q0 = static_cast<index_t>(n) * d.dBrch, q1 = q0 + d.dBrch, q2 = q1 + d.dBrch, q3 = q2 + d.dBrch;
    Lanes<T> a0 = {}, a1 = {}, a2 = {}, a3 = {};
    for (int e = 0; e < d.dBrch; ++e) {
      a0 += w[q0 + e] * zT[src[q0 + e]];
      a1 += w[q1 + e] * zT[src[q1 + e]];
      a2 += w[q2 + e] * zT[src[q2 + e]];
      a3 += w[q3 + e] * zT[src[q3 + e]];
    }
    uT[n] = a0, uT[n + 1] = a1, uT[n + 2] = a2, uT[n + 3] = a3;
  }
  for (; n < nBr; ++n) {
    const index_t q0 = static_cast<index_t>(n) * d.dBrch;
    Lanes<T> acc = {};
    for (int e = 0; e < d.dBrch; ++e) acc += w[q0 + e] * zT[src[q0 + e]];
    uT[n] = acc;
  }
}

// Backward of the synapses, given dbT[n] = ∂L/∂b_t of branch n (n = ⌊q/dBrch⌋):
//   dzT[src[q]] += w[q]·dbT[branch]    (∂L/∂z_t, summed in synapse order as network_dz)
//   gwT[q] += dbT[branch]·zT[src[q]]   (∂L/∂w, per row; the rows are summed at the end)
// The first every step, for every source with dL/dx and only for the recurrent ones
// (src[q] ≥ dIn: ∂L/∂y_{t−1}, which step t−1 reads) without it (SynapseDz); the
// second once per kSynSteps steps (lanes_weight_grads).
//
// ∂L/∂z_t is taken source by source: each entry is one register chain over its
// synapses in synapse order, acc = 0, acc += w[q]·dbT[branch(q)], the same FMAs in the
// same order as the scatter above, without the scatter's store-and-reload of dzT[src]
// per synapse (at N 64, 64 recurrent sources take ~32 synapses each, so a source
// recurs within a few synapses and each recurrence waits on the previous store).
// kChains sources run interleaved, as one chain alone would wait on FMA latency;
// sources are grouped by synapse count, and a group's shorter chains are padded with
// w = −0 on a zero ∂L/∂b (dbT[nBr]): acc + (−0)·(+0) = acc exactly, for acc = −0 too.
// Sources without synapses keep dzT = 0.
template <class T>
class SynapseDz {
 public:
  static constexpr int kChains = 8;
  // every source of z_t (all) or only y_{t−1}'s
  SynapseDz(const NetworkDims& d, const std::int32_t* src, const T* w, bool all) {
    const int first = all ? 0 : d.dIn, nSrc = d.dZ() - first, nSyn = d.N * d.kc();
    std::vector<std::vector<std::int32_t>> bySrc(static_cast<size_t>(nSrc));  // synapses q, ascending
    for (std::int32_t q = 0; q < nSyn; ++q)
      if (src[q] >= first) bySrc[static_cast<size_t>(src[q] - first)].push_back(q);
    std::vector<std::int32_t> order;  // the sources taken that have synapses, longest lists first
    for (int j = 0; j < nSrc; ++j)
      if (!bySrc[static_cast<size_t>(j)].empty()) order.push_back(j);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      return bySrc[static_cast<size_t>(a)].size() > bySrc[static_cast<size_t>(b)].size();
    });
    const std::int32_t zero = d.N * d.dTree;  // dbT[nBr]: the zero ∂L/∂b of the padding
    for (size_t g0 = 0; g0 < order.size(); g0 += kChains) {
      Group g{};
      g.chains = static_cast<int>(std::min<size_t>(kChains, order.size() - g0));
      g.len = static_cast<int>(bySrc[static_cast<size_t>(order[g0])].size());  // (the longest)
      g.first = static_cast<index_t>(entries_.size());
      for (int c = 0; c < kChains; ++c) g.dst[c] = c < g.chains ? first + order[g0 + c] : -1;
      for (int e = 0; e < g.len; ++e)
        for (int c = 0; c < kChains; ++c) {
          const std::vector<std::int32_t>* list = c < g.chains ? &bySrc[static_cast<size_t>(order[g0 + c])] : nullptr;
          if (list && e < static_cast<int>(list->size())) {
            const std::int32_t q = (*list)[static_cast<size_t>(e)];
            entries_.push_back({w[q], q / d.dBrch});
          } else {
            entries_.push_back({-T(0), zero});
          }
        }
      groups_.push_back(g);
    }
  }
  // dzT[k] = Σ w[q]·dbT[branch(q)] over the synapses q of source k (the sources taken);
  // dbT holds nBr + 1 entries, the last zero
  void run(const Lanes<T>* dbT, Lanes<T>* dzT) const {
    for (const Group& g : groups_) {
      const Entry* e = entries_.data() + g.first;
      Lanes<T> acc[kChains] = {};
      for (int k = 0; k < g.len; ++k, e += kChains)
        for (int c = 0; c < kChains; ++c) acc[c] += e[c].w * dbT[e[c].branch];
      for (int c = 0; c < g.chains; ++c) dzT[g.dst[c]] = acc[c];
    }
  }

 private:
  struct Entry {
    T w;
    std::int32_t branch;
  };
  // entries [first, first + len·kChains): the group's chains interleaved, synapse e of
  // chain c at first + e·kChains + c; chain c ends in dzT[dst[c]] (c < chains)
  struct Group {
    index_t first;
    int len, chains;
    std::int32_t dst[kChains];
  };
  ScratchVec<Entry> entries_;
  ScratchVec<Group> groups_;
};

// ... and ∂L/∂w for S consecutive steps in one pass (zT[s], dbT[s]: the step taken
// s-th, t descending), each gwT[q] loaded and stored once for all of them: the same
// sums in the same order as S calls of the loop above.
template <class T, int S>
ELM_NO_GATHER void lanes_weight_grads(const NetworkDims& d, const std::int32_t* src, const Lanes<T>* const* zT,
                                      const Lanes<T>* const* dbT, Lanes<T>* gwT) {
  const int nBr = d.N * d.dTree;
  for (int n = 0; n < nBr; ++n) {
    const index_t q0 = static_cast<index_t>(n) * d.dBrch;
    Lanes<T> db[S];
    for (int k = 0; k < S; ++k) db[k] = dbT[k][n];
    for (int e = 0; e < d.dBrch; ++e) {
      const std::int32_t j = src[q0 + e];
      Lanes<T> g = gwT[q0 + e];
      for (int k = 0; k < S; ++k) g += db[k] * zT[k][j];
      gwT[q0 + e] = g;
    }
  }
}
template <class T>
void lanes_weight_grads(int steps, const NetworkDims& d, const std::int32_t* src, const Lanes<T>* const* zT,
                        const Lanes<T>* const* dbT, Lanes<T>* gwT) {
  static_assert(kSynSteps <= 4, "lanes_weight_grads takes up to 4 steps");
  switch (steps) {
    case 1: lanes_weight_grads<T, 1>(d, src, zT, dbT, gwT); break;
    case 2: lanes_weight_grads<T, 2>(d, src, zT, dbT, gwT); break;
    case 3: lanes_weight_grads<T, 3>(d, src, zT, dbT, gwT); break;
    case 4: lanes_weight_grads<T, 4>(d, src, zT, dbT, gwT); break;
    default: break;
  }
}

// Padded widths of the MLP layers: multiples of the SIMD width, except the first
// layer's input [b_t ; κ_m ⊙ m_{t−1}], a multiple of half of it (the backward's
// products end such rows with a half vector: d_tree + d_m = 24 is 16 + 8, not 32).
//
// The backward's weight-gradient tiles (simd::outer_many: one broadcast per tile row
// and sample, the row's vectors then FMAs) are kept either as W_l is, [out][inPad], or
// transposed, [in][outPad] (gradT), whichever has fewer FMA instructions per sample: a
// row of 24 = 16 + 8 ends with a half vector that costs a whole FMA, so the first
// layer's 32 × 24 tile is taken as 24 rows of 32 (48 FMAs a sample, not 64). Each
// element is the same sum in the same sample order either way.
template <class T>
struct LayerPads {
  int in[kMaxMlpLayers], out[kMaxMlpLayers], max;
  bool gradT[kMaxMlpLayers];
  explicit LayerPads(const NetworkDims& d) : max(0) {
    constexpr int L = simd::V<T>::L;
    // FMA instructions per sample for a tile of `rows` rows of padded width `ld`
    auto fmas = [](int rows, int ld) { return rows * ((ld + L - 1) / L); };
    for (int l = 0; l <= d.lMlp; ++l) {
      in[l] = simd::pad_to(d.layerIn(l), l == 0 ? L / 2 : L);
      out[l] = simd::pad_to(d.layerOut(l), L);
      max = std::max(max, std::max(in[l], out[l]));
      gradT[l] = fmas(d.layerIn(l), out[l]) < fmas(d.layerOut(l), in[l]);
    }
  }
  // the gradient tile of layer l: rows × gradLd (see gradT)
  int gradRows(const NetworkDims& d, int l) const { return gradT[l] ? d.layerIn(l) : d.layerOut(l); }
  int gradLd(int l) const { return gradT[l] ? out[l] : in[l]; }
};

// One hidden layer of a SIMD-width multiple: the forward computes its pre-activations
// straight into the saved row's layout, and the backward reads them in place.
template <class T>
bool pre_direct(const NetworkDims& d, const LayerPads<T>& pad) {
  return d.lMlp == 1 && pad.out[0] == d.dMlp;
}
// ... and with relu that row is saved activated, relu(pre) (see the schedule above).
template <class T>
bool keep_post(const NetworkDims& d, const LayerPads<T>& pad) {
  return pre_direct(d, pad) && d.act == Activation::relu;
}

// Every neuron's MLP weights, packed and zero-padded: forward [N][in][outPad]
// (products run over outputs), backward [N][out][inPad] (over inputs). The forward
// also packs the biases [N][outPad] (the products' starting values).
template <class T>
struct PackedMlp {
  ScratchVec<T> w[kMaxMlpLayers], b[kMaxMlpLayers];
  PackedMlp(const NetworkDims& d, const NetworkInputs<T>& p, const LayerPads<T>& pad, bool transpose) {
    for (int l = 0; l <= d.lMlp; ++l) {
      if (transpose) {
        const int nOut = d.layerOut(l);
        b[l].assign(static_cast<size_t>(d.N) * pad.out[l], T(0));
        for (int i = 0; i < d.N; ++i)
          for (int o = 0; o < nOut; ++o) b[l][static_cast<size_t>(i) * pad.out[l] + o] = p.mlpB[l][static_cast<index_t>(i) * nOut + o];
      }
      const int nIn = d.layerIn(l), nOut = d.layerOut(l);
      const index_t per = static_cast<index_t>(nIn) * nOut;
      const int ld = transpose ? pad.out[l] : pad.in[l];
      const index_t perPad = static_cast<index_t>(transpose ? nIn : nOut) * ld;
      w[l].assign(static_cast<size_t>(d.N * perPad), T(0));
      T* dst = w[l].data();
      const T* src = p.mlpW[l];
      parallel_for(d.N, 8, [&](std::int64_t i0, std::int64_t i1) {
        for (std::int64_t i = i0; i < i1; ++i)
          for (int o = 0; o < nOut; ++o)
            for (int q = 0; q < nIn; ++q) {
              const T v = src[i * per + static_cast<index_t>(o) * nIn + q];
              if (transpose) dst[i * perPad + static_cast<index_t>(q) * ld + o] = v;
              else dst[i * perPad + static_cast<index_t>(o) * ld + q] = v;
            }
      });
    }
  }
};

// y_{t−1} of row b (y0 at t = 0; null = 0).
template <class T>
const T* y_prev(const NetworkDims& d, const NetworkInputs<T>& p, const T* y, int b, int t) {
  const index_t row = static_cast<index_t>(b) * d.T + t;
  return t > 0 ? y + (row - 1) * d.dY() : (p.y0 ? p.y0 + static_cast<index_t>(b) * d.dY() : nullptr);
}

// Short copies (one neuron's slice) inlined as whole and half vectors (simd::slices),
// not a library call per slice (the scans are also compiled without GCC's
// loop-to-memcpy rewriting, ELM_NO_MEMCPY_CALLS). Forced inline: in the backward's
// per-neuron loop GCC made it a call (inlined, backward 0.986, 0.972–0.993).
template <class T>
__attribute__((always_inline)) inline void copy_n(T* __restrict dst, const T* __restrict src, int n) {
  simd::slices<T>(n, [&](int k, auto w) {
    constexpr int B = decltype(w)::value;
    simd::store<T, B>(dst + k, simd::load<T, B>(src + k));
  });
}
#if defined(__GNUC__) && !defined(__clang__)
#define ELM_NO_MEMCPY_CALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define ELM_NO_MEMCPY_CALLS
#endif

// The scans walk the saved sequences one step at a time: a row block's slice of one
// step is contiguous but the next step is B·N samples away (the hardware
// prefetchers do not cross to it), so the next step's slices are prefetched.
template <class T>
inline void prefetch(const T* p, index_t n, bool write) {
  const char* c = reinterpret_cast<const char*>(p);
  const index_t bytes = n * static_cast<index_t>(sizeof(T));
  if (write) for (index_t q = 0; q < bytes; q += 64) __builtin_prefetch(c + q, 1);
  else for (index_t q = 0; q < bytes; q += 64) __builtin_prefetch(c + q, 0);
}

// The next step's slices, prefetched a little at a time while this step computes:
// a whole step's worth at once stalls on the line-fill buffers.
class StepPrefetch {
 public:
  void clear() { n_ = 0, cur_ = 0, off_ = 0, total_ = 0, done_ = 0, quota_ = 0; }
  template <class T>
  void add(const T* p, index_t count) {
    if (n_ == kMax) return;
    const index_t bytes = count * static_cast<index_t>(sizeof(T));
    ranges_[n_++] = {reinterpret_cast<const char*>(p), bytes};
    total_ += bytes;
  }
  // spread the ranges' lines over `calls` calls of next()
  void plan(index_t calls) { quota_ = (total_ + calls - 1) / calls; }
  // issue the next share of the lines
  void next() {
    const index_t target = done_ + quota_;
    while (done_ < target && cur_ < n_) {
      __builtin_prefetch(ranges_[cur_].p + off_, 0);
      off_ += 64;
      done_ += 64;
      if (off_ >= ranges_[cur_].bytes) {
        done_ += ranges_[cur_].bytes - off_;  // (≤ 0: the range's last partial line)
        ++cur_;
        off_ = 0;
      }
    }
  }

 private:
  static constexpr int kMax = 16;
  struct Range {
    const char* p;
    index_t bytes;
  } ranges_[kMax];
  int n_ = 0, cur_ = 0;
  index_t off_ = 0, total_ = 0, done_ = 0, quota_ = 0;
};

// dL/dx is written once and not read again by the kernel: streaming stores skip
// reading each line into the cache before writing it (half the memory traffic).
template <class T>
inline void stream_copy(T* dst, const T* src, index_t n) {
#if defined(__AVX512F__)
  constexpr index_t L = 64 / sizeof(T);
  index_t q = 0;
  for (; q < n && (reinterpret_cast<std::uintptr_t>(dst + q) & 63) != 0; ++q) dst[q] = src[q];
  for (; q + L <= n; q += L) {
    if constexpr (sizeof(T) == 4) _mm512_stream_ps(reinterpret_cast<float*>(dst + q), _mm512_loadu_ps(src + q));
    else _mm512_stream_pd(reinterpret_cast<double*>(dst + q), _mm512_loadu_pd(src + q));
  }
  for (; q < n; ++q) dst[q] = src[q];
#else
  std::memcpy(dst, src, sizeof(T) * static_cast<size_t>(n));
#endif
}
inline void stream_fence() {
#if defined(__AVX512F__)
  _mm_sfence();
#endif
}

// y = ctanh(x) (elm/activations.h) over a row. On AVX-512 builds the loop is
// vectorised 16 wide (libmvec's 512-bit tanhf): GCC's default preference for 256-bit
// vectors on these parts would call the 8-wide variant twice as often.
template <class T>
void ctanh_rows(T* __restrict y, const T* __restrict x, index_t n) {
  for (index_t q = 0; q < n; ++q) y[q] = ctanh(x[q]);
}
#if defined(__AVX512F__) && defined(__GLIBC__) && defined(__x86_64__)
extern "C" __m512 _ZGVeN16v_tanhf(__m512);  // libmvec (glibc ≥ 2.35), as the 8-wide one GCC calls
template <>
inline void ctanh_rows<float>(float* __restrict y, const float* __restrict x, index_t n) {
  const __m512 slope = _mm512_set1_ps(ctanh_slope<float>()), scale = _mm512_set1_ps(ctanh_scale<float>());
  index_t q = 0;
  for (; q + 16 <= n; q += 16)
    _mm512_storeu_ps(y + q, _mm512_mul_ps(scale, _ZGVeN16v_tanhf(_mm512_mul_ps(slope, _mm512_loadu_ps(x + q)))));
  for (; q < n; ++q) y[q] = ctanh(x[q]);
}
#endif

// y_t = W_y m_t + b_y for every neuron of a row (q = i·dAxon + a). The dot products
// are short and independent; on AVX-512 (float, d_m a multiple of 16) each is one
// vector product and a tree sum, not a 16-long chain of dependent scalar adds.
template <class T>
void axon_outputs(const NetworkDims& d, const NetworkInputs<T>& p, const T* mNow, T* yNow) {
#if defined(__AVX512F__)
  if constexpr (sizeof(T) == 4) {
    if (d.dM % 16 == 0) {
      for (int q = 0; q < d.dY(); ++q) {
        const float* wy = p.wY + static_cast<index_t>(q) * d.dM;
        const float* m = mNow + static_cast<index_t>(q / d.dAxon) * d.dM;
        __m512 acc = _mm512_mul_ps(_mm512_loadu_ps(wy), _mm512_loadu_ps(m));
        for (int c = 16; c < d.dM; c += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(wy + c), _mm512_loadu_ps(m + c), acc);
        // tree sum, halves folded in registers (h[c] += h[c+w] for w = 8, 4, 2, 1; not
        // through memory, and without _mm512_reduce_add_ps, which warns on GCC 12)
        typedef float V8 __attribute__((vector_size(32)));
        typedef float V4 __attribute__((vector_size(16)));
        const simd::V<float>::type h = (simd::V<float>::type)acc;
        const V8 h8 = __builtin_shufflevector(h, h, 0, 1, 2, 3, 4, 5, 6, 7) +
                      __builtin_shufflevector(h, h, 8, 9, 10, 11, 12, 13, 14, 15);
        const V4 h4 = __builtin_shufflevector(h8, h8, 0, 1, 2, 3) + __builtin_shufflevector(h8, h8, 4, 5, 6, 7);
        yNow[q] = p.bY[q] + ((h4[0] + h4[2]) + (h4[1] + h4[3]));
      }
      return;
    }
  }
#endif
  for (int q = 0; q < d.dY(); ++q) {
    const T* wy = p.wY + static_cast<index_t>(q) * d.dM;
    const T* m = mNow + static_cast<index_t>(q / d.dAxon) * d.dM;
    T v = p.bY[q];
    for (int c = 0; c < d.dM; ++c) v += wy[c] * m[c];
    yNow[q] = v;
  }
}

// Elementwise helpers over a whole row (all neurons at once): the branch on the
// activation is outside the loop, so each loop vectorises.
template <class T>
void activate_rows(Activation a, T* x, index_t n) {
  if (a == Activation::relu) for (index_t q = 0; q < n; ++q) x[q] = relu(x[q]);
  else for (index_t q = 0; q < n; ++q) x[q] = silu(x[q]);
}
template <class T>
void activate_rows(Activation a, T* __restrict y, const T* __restrict x, index_t n) {
  if (a == Activation::relu) for (index_t q = 0; q < n; ++q) y[q] = relu(x[q]);
  else for (index_t q = 0; q < n; ++q) y[q] = silu(x[q]);
}
template <class T>
void times_activate_grad(Activation a, T* __restrict g, const T* __restrict pre, index_t n) {
  if (a == Activation::relu) for (index_t q = 0; q < n; ++q) g[q] *= relu_grad(pre[q]);
  else for (index_t q = 0; q < n; ++q) g[q] *= silu_grad(pre[q]);
}

// Row buffers of one block of R rows, each row holding every neuron: [R][N·width].
// Per-neuron slices are padded to the SIMD width (zeros past the data stay zero).
template <class T>
struct RowBuf {
  int width = 0;  // per neuron
  index_t stride = 0;
  ScratchVec<T> v;
  T* base = nullptr;
  void init(int R, int N, int w) {
    width = w;
    stride = static_cast<index_t>(N) * w;
    v.assign(static_cast<size_t>(R) * stride, T(0));
    base = v.data();
  }
  // rows at p instead (R·stride elements; nothing of v is used)
  void init_at(int N, int w, T* p) {
    width = w;
    stride = static_cast<index_t>(N) * w;
    base = p;
  }
  T* row(int r) { return base + r * stride; }
  T* at(int r, int i) { return base + r * stride + static_cast<index_t>(i) * width; }
};

// Sample buffers of the backward's deferred weight gradients: `rows` samples of every
// neuron, neuron-major ([N][rows][width]), so one neuron's samples — read together
// by simd::outer_many — are contiguous (row-major, they would be N·width apart: 8 KiB
// for width 32, all on the same L1 sets).
template <class T>
struct SampleBuf {
  int width = 0;  // per neuron
  index_t nstride = 0;
  ScratchVec<T> v;
  void init(int rows, int N, int w) {
    width = w;
    nstride = static_cast<index_t>(rows) * w + 64 / static_cast<index_t>(sizeof(T));  // + a line: no set aliasing
    v.assign(static_cast<size_t>(N) * nstride, T(0));
  }
  T* at(int r, int i) { return v.data() + static_cast<index_t>(i) * nstride + static_cast<index_t>(r) * width; }
};

// Forward of the rows [b0, b0+R) over the whole sequence. Per step: the branch
// sums and κ_m ⊙ m_{t−1} of every neuron as whole-row loops, then the MLP layer
// by layer (one register-blocked product per neuron for the R rows), then Δm,
// m_t and y_t again as whole-row loops.
template <class T>
ELM_NO_MEMCPY_CALLS void forward_rows(const NetworkDims& d, const NetworkInputs<T>& p, const PackedMlp<T>& pk, const LayerPads<T>& pad,
                  const NetworkSaved<T>& s, int b0, int R) {
  const int hid = d.hidden(), nBr = d.N * d.dTree, nM = d.N * d.dM;
  // km: κ_m ⊙ m_{t−1}; act[l]: layer l's output; preRow, dltRow, mRow, bCur: step t's
  // pre, Δm, m_t, b_t of the R rows, in `saved` itself; mLast, bLast: step t−1's there
  // outRow: the last layer's outputs without the padding (when d_m is not a multiple of the vector)
  RowBuf<T> km, act[kMaxMlpLayers], preRow, dltRow, mRow, mLast, bCur, bLast, outRow;
  km.init(R, d.N, d.dM);
  ScratchVec<Lanes<T>> zT(static_cast<size_t>(d.dZ())), uT(static_cast<size_t>(nBr));
  for (int l = 0; l <= d.lMlp; ++l) act[l].init(R, d.N, pad.out[l]);
  if (act[d.lMlp].width != d.dM) outRow.init(R, d.N, d.dM);
  const T* a[kRowBlock];
  const T* a2[kRowBlock];
  T* acc[kRowBlock];
  T* bRow[kRowBlock];
  const bool preDirect = pre_direct(d, pad), keepPost = keep_post(d, pad);
  const T* yPrev[kRowBlock];
  const T* xRow[kRowBlock];
  const T* bPrevs[kRowBlock];
  // cache lines of one step's m_t (or Δm) for the R rows, and their share per neuron
  const index_t mLines = (static_cast<index_t>(R) * nM * static_cast<index_t>(sizeof(T)) + 63) / 64;
  const index_t mLinesPerNeuron = (mLines + d.N - 1) / d.N;
  for (int t = 0; t < d.T; ++t) {
    {  // step t's rows of the saved sequences, written in place (and read back as step t+1's m_{t−1}, b_{t−1})
      const index_t s0 = d.sample(b0, t, 0);
      bCur.init_at(d.N, d.dTree, s.b + s0 * d.dTree);
      mRow.init_at(d.N, d.dM, s.m + s0 * d.dM);
      dltRow.init_at(d.N, d.dM, s.deltaM + s0 * d.dM);
      preRow.init_at(d.N, hid, s.pre + s0 * hid);
      if (t > 0) {
        bLast.init_at(d.N, d.dTree, s.b + (s0 - d.stepStride()) * d.dTree);
        mLast.init_at(d.N, d.dM, s.m + (s0 - d.stepStride()) * d.dM);
      }
    }
    if (t + 1 < d.T)  // step t+1's inputs
      for (int r = 0; r < R; ++r) prefetch(p.x + (static_cast<index_t>(b0 + r) * d.T + t + 1) * d.dIn, d.dIn, false);
    // b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])   (ELM_SPEC §4)
    for (int r = 0; r < R; ++r) {
      const int b = b0 + r;
      const index_t s0 = d.sample(b, t, 0);  // the N neurons of (b, t) are contiguous
      bRow[r] = bCur.row(r);
      xRow[r] = p.x + (static_cast<index_t>(b) * d.T + t) * d.dIn;
      const T* bPrev = t > 0 ? bLast.row(r) : (p.b0 ? p.b0 + static_cast<index_t>(b) * nBr : nullptr);
      (void)s0;
      const T* mPrev = t > 0 ? mLast.row(r) : (p.m0 ? p.m0 + static_cast<index_t>(b) * nM : nullptr);
      const T* yp = y_prev(d, p, s.y, b, t);
      yPrev[r] = yp;
      bPrevs[r] = bPrev;
      T* k = km.row(r);
      if (mPrev) for (int n = 0; n < nM; ++n) k[n] = p.kappaM[n] * mPrev[n];
      else std::fill(k, k + nM, T(0));
    }
    lanes_z(d, R, xRow, yPrev, zT.data());
    lanes_branch_sums(d, p.src, p.w, zT.data(), uT.data());
    for (int r = 0; r < R; ++r) {
      T* bt = bRow[r];
      for (int n = 0; n < nBr; ++n) bt[n] = uT[n][r];
      if (bPrevs[r]) for (int n = 0; n < nBr; ++n) bt[n] += p.kappaB[n] * bPrevs[r][n];
    }
    // Δm = ctanh(MLP^i([b_t ; κ_m ⊙ m_{t−1}])) for every neuron i
    for (int l = 0; l <= d.lMlp; ++l) {
      const int nIn = d.layerIn(l), nOut = d.layerOut(l), ld = pad.out[l];
      for (int i = 0; i < d.N; ++i) {
        const T* bias = pk.b[l].data() + static_cast<index_t>(i) * ld;  // (padded with zeros)
        const T* W = pk.w[l].data() + static_cast<index_t>(i) * nIn * ld;
        for (int r = 0; r < R; ++r) acc[r] = act[l].at(r, i);
        if (l == 0) {  // the input [b_t ; κ_m ⊙ m_{t−1}] from its two parts, in one pass
          for (int r = 0; r < R; ++r) {
            a[r] = bRow[r] + static_cast<index_t>(i) * d.dTree;
            a2[r] = km.at(r, i);
            if (preDirect) acc[r] = preRow.at(r, i);  // hidden pre-activations straight into the saved row
          }
          simd::product_split(R, d.dTree, nIn, W, ld, a, a2, acc, bias);
        } else {
          for (int r = 0; r < R; ++r) a[r] = keepPost ? preRow.at(r, i) : act[l - 1].at(r, i);
          simd::product(R, nIn, W, ld, a, acc, bias);
        }
        if (l == 0) {
          // this step's m_t and Δm lines in `saved`, fetched for writing a few per neuron
          // while the first layer runs: the stores at the end of the step then find
          // them in cache instead of each waiting for its line (forward 0.969 and 0.980,
          // bench:pair, 60 pairs each)
          const char* pm = reinterpret_cast<const char*>(mRow.row(0));
          const char* pd = reinterpret_cast<const char*>(dltRow.row(0));
          const index_t q1 = std::min(mLines, static_cast<index_t>(i + 1) * mLinesPerNeuron);
          for (index_t q = static_cast<index_t>(i) * mLinesPerNeuron; q < q1; ++q) {
            __builtin_prefetch(pm + q * 64, 1);
            __builtin_prefetch(pd + q * 64, 1);
          }
        }
      }
      if (l < d.lMlp) {
        for (int r = 0; r < R; ++r) {
          // the CPU path keeps one hidden row: relu(pre) under keepPost, else the
          // pre-activations (its backward recomputes act(pre)); the post region of
          // `saved` stays untouched (never paged in)
          if (keepPost) {
            activate_rows(d.act, preRow.row(r), preRow.stride);
          } else if (preDirect) {
            activate_rows(d.act, act[l].row(r), static_cast<const T*>(preRow.row(r)), act[l].stride);
          } else {
            for (int i = 0; i < d.N; ++i) copy_n(preRow.at(r, i) + static_cast<index_t>(l) * d.dMlp, act[l].at(r, i), nOut);
            activate_rows(d.act, act[l].row(r), act[l].stride);  // act(0) = 0 in the padding
          }
        }
      }
    }
    // m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm;  y_t = W_y m_t + b_y
    for (int r = 0; r < R; ++r) {
      const int b = b0 + r;
      const index_t s0 = d.sample(b, t, 0);
      T* dlt = dltRow.row(r);
      T* mNow = mRow.row(r);
      if (act[d.lMlp].width == d.dM) {
        ctanh_rows(dlt, act[d.lMlp].row(r), nM);  // outputs contiguous
      } else {  // padded per neuron: gathered into one row first, so ctanh runs on whole vectors
        T* o = outRow.row(r);
        for (int i = 0; i < d.N; ++i) copy_n(o + static_cast<index_t>(i) * d.dM, act[d.lMlp].at(r, i), d.dM);
        ctanh_rows(dlt, static_cast<const T*>(o), nM);
      }
      const T* k = km.row(r);
      for (int n = 0; n < nM; ++n) mNow[n] = k[n] + p.gain[n] * dlt[n];
      axon_outputs(d, p, mNow, s.y + (static_cast<index_t>(b) * d.T + t) * d.dY());
      (void)s0;
    }
  }
}

// One block's gradients of the per-neuron vectors, contiguous over neurons (the
// whole-row loops add into them), added into the block's slot at the end.
template <class T>
struct VectorGrads {
  ScratchVec<T> kappaB, kappaM, gain, wY, bY, mlpB[kMaxMlpLayers];
  VectorGrads(const NetworkDims& d, const LayerPads<T>& pad) : pad_(pad) {
    kappaB.assign(static_cast<size_t>(d.N) * d.dTree, T(0));
    kappaM.assign(static_cast<size_t>(d.N) * d.dM, T(0));
    gain.assign(static_cast<size_t>(d.N) * d.dM, T(0));
    wY.assign(static_cast<size_t>(d.dY()) * d.dM, T(0));
    bY.assign(static_cast<size_t>(d.dY()), T(0));
    for (int l = 0; l <= d.lMlp; ++l) mlpB[l].assign(static_cast<size_t>(d.N) * pad.out[l], T(0));
  }
  void add_to(const NetworkDims& d, T* slot) const {
    auto add = [](T* dst, const T* src, int n) { for (int q = 0; q < n; ++q) dst[q] += src[q]; };
    for (int i = 0; i < d.N; ++i) {
      const NetworkGradSlot<T> g = network_grad_slot(d, slot, i);
      add(g.kappaB, kappaB.data() + static_cast<index_t>(i) * d.dTree, d.dTree);
      add(g.kappaM, kappaM.data() + static_cast<index_t>(i) * d.dM, d.dM);
      add(g.gain, gain.data() + static_cast<index_t>(i) * d.dM, d.dM);
      add(g.wY, wY.data() + static_cast<index_t>(i) * d.dAxon * d.dM, d.dAxon * d.dM);
      add(g.bY, bY.data() + static_cast<index_t>(i) * d.dAxon, d.dAxon);
      for (int l = 0; l <= d.lMlp; ++l)
        add(g.mlp.b[l], mlpB[l].data() + static_cast<index_t>(i) * pad_.out[l], d.layerOut(l));
    }
  }
  const LayerPads<T>& pad_;
};

// BPTT of the rows [b0, b0+R), steps T−1 … 0, in the order of forward_rows reversed.
template <class T>
ELM_NO_MEMCPY_CALLS void backward_rows(const NetworkDims& d, const NetworkInputs<T>& p, const PackedMlp<T>& pk, const LayerPads<T>& pad,
                   const NetworkSaved<T>& s, const T* dY, T* slot, T* const* gWpad,
                   const NetworkGradOut<T>& out, int b0, int R) {
  const int hid = d.hidden(), nBr = d.N * d.dTree, nM = d.N * d.dM;
  // locals: GCC re-reads d's fields after every store through simd::store (a memcpy) otherwise
  const int N = d.N, dM = d.dM, dAxon = d.dAxon;
  T* dMc = out.dM0;  // the carried gradients live in dB0, dM0, dY0 until they are those
  T* dBc = out.dB0;
  T* dYc = out.dY0;
  VectorGrads<T> vg(d, pad);
  T* const gWy = vg.wY.data();
  // dm: ∂L/∂m_t; gy: ∂L/∂y_t; grad[l]: ∂L/∂ layer l's output
  // (pre-activation); in[l]: layer l's input (h0 = [b_t ; κ_m ⊙ m_{t−1}] for l = 0,
  // act(pre) above; not kept for layer 1 under keepPost);
  // pre[l]: the saved pre-activations of layer l (l < lMlp), padded; dh0: ∂L/∂h0.
  // grad and in keep kGradSteps steps (rows kk·R + r): the MLP weight gradients are
  // taken once per kGradSteps steps over all their samples (simd::outer_many, the
  // gradient tile held in registers) instead of a read-modify-write per step.
  RowBuf<T> dm, gy, dh0, pre[kMaxMlpLayers];
  SampleBuf<T> grad[kMaxMlpLayers], in[kMaxMlpLayers];
  // keepPost: the saved hidden row is relu(pre), layer 1's input as it stands, read
  // from `saved` by the weight gradients (slotStep: the step of each slot of rows)
  const bool preDirect = pre_direct(d, pad), keepPost = keep_post(d, pad);
  int slotStep[kGradSteps] = {};
  const T* prePtr[kMaxMlpLayers][kRowBlock] = {};
  dm.init(R, d.N, d.dM);
  gy.init(R, d.N, d.dAxon);
  dh0.init(R, d.N, pad.in[0]);
  for (int l = 0; l <= d.lMlp; ++l) {
    grad[l].init(R * kGradSteps, d.N, pad.out[l]);
    if (!(keepPost && l == 1)) in[l].init(R * kGradSteps, d.N, pad.in[l]);
    if (l < d.lMlp && !preDirect) pre[l].init(R, d.N, pad.out[l]);
  }
  // synapse work: z_t, ∂L/∂b_t, ∂L/∂z_t as lanes; ∂L/∂w per row (lanes); the rows' ∂L/∂b_t and dx
  // (z_t and ∂L/∂b_t of kSynSteps steps: ∂L/∂w is taken once for them)
  ScratchVec<Lanes<T>> zTs(static_cast<size_t>(kSynSteps) * d.dZ()), dzT(static_cast<size_t>(d.dZ())),
      dbTs(static_cast<size_t>(kSynSteps) * (nBr + 1), Lanes<T>{}), gwT(static_cast<size_t>(d.N) * d.kc(), Lanes<T>{});
  const Lanes<T>* zTk[kSynSteps];
  const Lanes<T>* dbTk[kSynSteps];
  RowBuf<T> dbRow, dxRow;
  dbRow.init(R, d.N, d.dTree);
  if (out.dx) dxRow.init(R, 1, d.dIn);
  // ∂L/∂z_t of every source, or without dx only ∂L/∂y_{t−1} (the recurrent synapses')
  const SynapseDz<T> synDz(d, p.src, p.w, /*all=*/out.dx != nullptr);
  StepPrefetch pf;
  const ScratchVec<T> zeros(static_cast<size_t>(pad.max), T(0));
  T* gp[kRowBlock * kGradSteps];
  T* hp[kRowBlock * kGradSteps];
  T* dp[kRowBlock];
  for (int t = d.T - 1; t >= 0; --t) {
    const int kk = (d.T - 1 - t) % kGradSteps, base = kk * R;  // this step's rows in grad, in
    slotStep[kk] = t;
    pf.clear();
    if (t >= 1) {  // step t−1's slices (R rows are contiguous), and m_{t−2}, b_{t−2}
      const index_t s1 = d.sample(b0, t - 1, 0), n = static_cast<index_t>(R) * d.N;
      pf.add(s.deltaM + s1 * d.dM, n * d.dM);
      pf.add(s.pre + s1 * hid, n * hid);
      if (t >= 2) {
        pf.add(s.m + (s1 - d.stepStride()) * d.dM, n * d.dM);
        pf.add(s.b + (s1 - d.stepStride()) * d.dTree, n * d.dTree);
      }
      for (int r = 0; r < R; ++r) {
        const index_t row1 = static_cast<index_t>(b0 + r) * d.T + t - 1;
        pf.add(dY + row1 * d.dY(), d.dY());
        pf.add(p.x + row1 * d.dIn, d.dIn);
      }
    }
    pf.plan(static_cast<index_t>(d.lMlp + 1) * d.N);  // one share per neuron and layer of the MLP backward
    // step t's rows: y_t = W_y m_t + b_y gives ∂L/∂y_t (direct + through z_{t+1}) and ∂L/∂b_y
    const T* mPrevR[kRowBlock];
    const T* mNowR[kRowBlock];
    const T* dltR[kRowBlock];
    const T* bNowR[kRowBlock];
    const T* bPrevR[kRowBlock];
    T* dMcR[kRowBlock];  // the carries ∂L/∂m_t, ∂L/∂b_t in, ∂L/∂m_{t−1}, ∂L/∂b_{t−1} out
    T* dBcR[kRowBlock];
    T* gR[kRowBlock];
    T* dmR[kRowBlock];
    T* dbR[kRowBlock];
    for (int r = 0; r < R; ++r) {
      const int b = b0 + r;
      const index_t row = static_cast<index_t>(b) * d.T + t;
      const index_t s0 = d.sample(b, t, 0);
      mPrevR[r] = t > 0 ? s.m + (s0 - d.stepStride()) * d.dM : (p.m0 ? p.m0 + static_cast<index_t>(b) * nM : nullptr);
      mNowR[r] = s.m + s0 * d.dM;
      dltR[r] = s.deltaM + s0 * d.dM;
      bNowR[r] = s.b + s0 * d.dTree;
      bPrevR[r] = t > 0 ? s.b + (s0 - d.stepStride()) * d.dTree : (p.b0 ? p.b0 + static_cast<index_t>(b) * nBr : nullptr);
      dMcR[r] = dMc + static_cast<index_t>(b) * nM;
      dBcR[r] = dBc + static_cast<index_t>(b) * nBr;
      dmR[r] = dm.row(r);
      dbR[r] = dbRow.row(r);
      T* g = gR[r] = gy.row(r);
      for (int q = 0; q < d.dY(); ++q) {
        g[q] = dY[row * d.dY() + q] + dYc[static_cast<index_t>(b) * d.dY() + q];
        vg.bY[q] += g[q];
      }
      for (int l = 0; l < d.lMlp; ++l) {
        // one hidden layer of a SIMD-width multiple: the saved row is already [N][pad] (no copy)
        if (preDirect) prePtr[l][r] = s.pre + s0 * hid;
        else {
          for (int i = 0; i < d.N; ++i)
            copy_n(pre[l].at(r, i), s.pre + (s0 + i) * hid + static_cast<index_t>(l) * d.dMlp, d.dMlp);
          prePtr[l][r] = pre[l].row(r);
        }
        if (!keepPost)
          for (int i = 0; i < d.N; ++i)
            activate_rows(d.act, in[l + 1].at(base + r, i), prePtr[l][r] + static_cast<index_t>(i) * pad.out[l], pad.out[l]);
      }
    }
    // Per neuron, its rows side by side (each sum below still adds the rows in order):
    //   ∂L/∂m_t = carry + W_yᵀ g, ∂L/∂W_y += g ⊗ m_t (axon q = i·dAxon + a);
    //   m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm: ∂L/∂gain += ∂L/∂m_t ⊙ Δm;
    //   Δm = ctanh(out): ∂L/∂out = ∂L/∂m_t ⊙ gain ⊙ ctanh′ (elm::ctanh_grad_from_output's operations);
    //   the MLP's input h0 = [b_t ; κ_m ⊙ m_{t−1}].
    const T kScale = ctanh_scale<T>(), kScaleSlope = ctanh_scale<T>() * ctanh_slope<T>();
    for (int i = 0; i < N; ++i) {
      const index_t off = static_cast<index_t>(i) * dM;
      T* __restrict gGain = vg.gain.data() + off;
      const T* gainI = p.gain + off;
      simd::slices<T>(dM, [&](int k, auto w) {
        constexpr int B = decltype(w)::value;
        auto gainAcc = simd::load<T, B>(gGain + k);
        const auto gain = simd::load<T, B>(gainI + k);
        for (int r = 0; r < R; ++r) {
          auto dmv = simd::load<T, B>(dMcR[r] + off + k);
          const auto mv = simd::load<T, B>(mNowR[r] + off + k);
          for (int a = 0, q = i * dAxon; a < dAxon; ++a, ++q) {
            T* __restrict gwy = gWy + static_cast<index_t>(q) * dM + k;
            const auto gq = simd::splat<B>(gR[r][q]);
            simd::store<T, B>(gwy, simd::load<T, B>(gwy) + gq * mv);
            dmv = dmv + gq * simd::load<T, B>(p.wY + static_cast<index_t>(q) * dM + k);
          }
          simd::store<T, B>(dmR[r] + off + k, dmv);
          const auto dl = simd::load<T, B>(dltR[r] + off + k);
          gainAcc = gainAcc + dmv * dl;
          const auto tt = dl / simd::splat<B>(kScale);
          simd::store<T, B>(grad[d.lMlp].at(base + r, i) + k,
                            dmv * gain * (simd::splat<B>(kScaleSlope) * (simd::splat<B>(T(1)) - tt * tt)));
        }
        simd::store<T, B>(gGain + k, gainAcc);
      });
      for (int r = 0; r < R; ++r) {
        T* __restrict h0 = in[0].at(base + r, i);
        copy_n(h0, bNowR[r] + static_cast<index_t>(i) * d.dTree, d.dTree);
        T* __restrict km0 = h0 + d.dTree;
        if (mPrevR[r])
          simd::slices<T>(dM, [&](int k, auto w) {
            constexpr int B = decltype(w)::value;
            simd::store<T, B>(km0 + k, simd::load<T, B>(p.kappaM + off + k) * simd::load<T, B>(mPrevR[r] + off + k));
          });
        else for (int j = 0; j < dM; ++j) km0[j] = T(0);
      }
    }
    // MLP backward, layer lMlp … 0
    for (int l = d.lMlp; l >= 0; --l) {
      const int nIn = d.layerIn(l), nOut = d.layerOut(l), ld = pad.in[l];
      // ∂L/∂ this layer's input (before act'): grad[l−1], or dh0 for l = 0
      for (int i = 0; i < d.N; ++i) {
        for (int r = 0; r < R; ++r) {
          gp[r] = grad[l].at(base + r, i);
          dp[r] = l > 0 ? grad[l - 1].at(base + r, i) : dh0.at(r, i);
        }
        // ∂L/∂in = W_lᵀ ∂L/∂out (from zero)
        simd::product(R, nOut, pk.w[l].data() + static_cast<index_t>(i) * nOut * ld, ld, gp, dp, zeros.data());
        if (l > 0)
          for (int r = 0; r < R; ++r) times_activate_grad(d.act, dp[r], prePtr[l - 1][r] + static_cast<index_t>(i) * ld, ld);
        pf.next();
      }
      (void)nIn;
    }
    // ∂L/∂W_l += Σ ∂L/∂out ⊗ in over the samples of the last kGradSteps steps (t descending, rows ascending)
    if (kk == kGradSteps - 1 || t == 0) {
      const int K = (kk + 1) * R;
      for (int l = 0; l <= d.lMlp; ++l) {
        const int rows = pad.gradRows(d, l), ld = pad.gradLd(l);
        for (int i = 0; i < d.N; ++i) {
          for (int q = 0; q < K; ++q) {
            gp[q] = grad[l].at(q, i);
            hp[q] = keepPost && l == 1 ? s.pre + d.sample(b0 + q % R, slotStep[q / R], i) * hid : in[l].at(q, i);
          }
          T* G = gWpad[l] + static_cast<index_t>(i) * rows * ld;
          if (pad.gradT[l]) simd::outer_many(K, rows, G, ld, hp, gp);  // [in][outPad]
          else simd::outer_many(K, rows, G, ld, gp, hp);               // [out][inPad]
          // ∂L/∂b_l += Σ ∂L/∂out (mlpB kept padded like grad)
          simd::sum_rows(K, pad.out[l], gp, vg.mlpB[l].data() + static_cast<index_t>(i) * pad.out[l]);
        }
      }
    }
    // ∂L/∂[b_t ; κ_m ⊙ m_{t−1}] → ∂L/∂m_{t−1}, ∂L/∂b_t, κ gradients, per neuron with its
    // rows side by side (each sum adds the rows in order): gmk = ∂L/∂(κ_m ⊙ m_{t−1})
    // feeds the MLP input and m_t; db = ∂L/∂b_t (total), kept for the synapses
    for (int i = 0; i < N; ++i) {
      const index_t offM = static_cast<index_t>(i) * dM, offB = static_cast<index_t>(i) * d.dTree;
      simd::slices<T>(dM, [&](int k, auto w) {
        constexpr int B = decltype(w)::value;
        auto acc = simd::load<T, B>(vg.kappaM.data() + offM + k);
        const auto kappa = simd::load<T, B>(p.kappaM + offM + k);
        for (int r = 0; r < R; ++r) {
          const auto gmk = simd::load<T, B>(dh0.at(r, i) + d.dTree + k) + simd::load<T, B>(dmR[r] + offM + k);
          if (mPrevR[r]) acc = acc + gmk * simd::load<T, B>(mPrevR[r] + offM + k);
          simd::store<T, B>(dMcR[r] + offM + k, gmk * kappa);
        }
        simd::store<T, B>(vg.kappaM.data() + offM + k, acc);
      });
      simd::slices<T>(d.dTree, [&](int k, auto w) {
        constexpr int B = decltype(w)::value;
        auto acc = simd::load<T, B>(vg.kappaB.data() + offB + k);
        const auto kappa = simd::load<T, B>(p.kappaB + offB + k);
        for (int r = 0; r < R; ++r) {
          const auto db = simd::load<T, B>(dh0.at(r, i) + k) + simd::load<T, B>(dBcR[r] + offB + k);
          simd::store<T, B>(dbR[r] + offB + k, db);
          if (bPrevR[r]) acc = acc + db * simd::load<T, B>(bPrevR[r] + offB + k);
          simd::store<T, B>(dBcR[r] + offB + k, db * kappa);
        }
        simd::store<T, B>(vg.kappaB.data() + offB + k, acc);
      });
    }
    // synapses: ∂L/∂w, and ∂L/∂z_t = [dx_t ; ∂L/∂y_{t−1}] (the latter read by step t−1)
    {
      const T* xRow[kRowBlock];
      const T* yPrev[kRowBlock];
      const int ks = (d.T - 1 - t) % kSynSteps;  // this step's z_t, ∂L/∂b_t in zTs, dbTs
      Lanes<T>* zT = zTs.data() + static_cast<index_t>(ks) * d.dZ();
      Lanes<T>* dbT = dbTs.data() + static_cast<index_t>(ks) * (nBr + 1);  // (dbT[nBr] stays zero: SynapseDz)
      for (int r = 0; r < R; ++r) {
        xRow[r] = p.x + (static_cast<index_t>(b0 + r) * d.T + t) * d.dIn;
        yPrev[r] = y_prev(d, p, s.y, b0 + r, t);
      }
      rows_to_lanes<T>(R, dbR, nBr, dbT);
      lanes_z(d, R, xRow, yPrev, zT);
      std::fill(dzT.begin() + (out.dx ? 0 : d.dIn), dzT.end(), Lanes<T>{});
      synDz.run(dbT, dzT.data());
      zTk[ks] = zT, dbTk[ks] = dbT;
      if (ks == kSynSteps - 1 || t == 0) lanes_weight_grads<T>(ks + 1, d, p.src, zTk, dbTk, gwT.data());
      if (out.dx)  // null: the caller needs no dL/dx (x is data)
        for (int r = 0; r < R; ++r) {  // (element by element: 16-byte stores would stall stream_copy's 64-byte loads)
          T* dxr = dxRow.row(r);
          for (int k = 0; k < d.dIn; ++k) dxr[k] = dzT[k][r];
          stream_copy(out.dx + (static_cast<index_t>(b0 + r) * d.T + t) * d.dIn, static_cast<const T*>(dxr), d.dIn);
        }
      // ∂L/∂y_{t−1}, carried to step t−1
      T* dyRows[kRowBlock];
      for (int r = 0; r < R; ++r) dyRows[r] = dYc + static_cast<index_t>(b0 + r) * d.dY();
      lanes_to_rows(R, dzT.data() + d.dIn, d.dY(), dyRows);
    }
  }
  stream_fence();
  // ∂L/∂w: the rows' partial sums, added in row order
  for (int i = 0; i < d.N; ++i) {
    T* g = network_grad_slot(d, slot, i).w;
    for (int j = 0; j < d.kc(); ++j) {
      const Lanes<T>& v = gwT[static_cast<index_t>(i) * d.kc() + j];
      T a = T(0);
      for (int r = 0; r < R; ++r) a += v[r];
      g[j] += a;
    }
  }
  vg.add_to(d, slot);
}

}  // namespace

template <class T>
void elm_network_forward(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved) {
  PhaseTimer timer("elm_network", "ELM_NETWORK_PROFILE", "forward");
  const NetworkSaved<T> s = network_saved_views(d, saved, y);
  advise_huge_pages(saved, sizeof(T) * static_cast<size_t>(d.savedLength()));
  advise_huge_pages(y, sizeof(T) * static_cast<size_t>(d.B) * d.T * d.dY());
  const LayerPads<T> pad(d);
  const PackedMlp<T> pk(d, p, pad, /*transpose=*/true);
  timer.mark("pack");
  parallel_for(row_blocks(d.B), 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      const int b0 = static_cast<int>(c) * block_rows(d.B), R = std::min(block_rows(d.B), d.B - b0);
      forward_rows(d, p, pk, pad, s, b0, R);
    }
  });
  timer.mark("recurrence");
  network_final_states(d, saved, y, bT, mT, yT);
  timer.mark("final states");
}

template <class T>
void elm_network_backward(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                          const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out) {
  PhaseTimer timer("elm_network", "ELM_NETWORK_PROFILE", "backward");
  const NetworkSaved<T> s = network_saved_views(d, const_cast<T*>(saved), const_cast<T*>(y));
  const int nBlocks = row_blocks(d.B);
  const std::int64_t slotLen = d.slotLength();
  ScratchVec<T> slots(static_cast<size_t>(nBlocks * slotLen), T(0));
  const std::int64_t nB = static_cast<std::int64_t>(d.B) * d.N * d.dTree;
  const std::int64_t nM = static_cast<std::int64_t>(d.B) * d.N * d.dM;
  const std::int64_t nY = static_cast<std::int64_t>(d.B) * d.dY();
  // the carried gradients live in the outputs dB0, dM0, dY0 (they end as those)
  if (dBT) std::memcpy(out.dB0, dBT, sizeof(T) * nB); else std::fill(out.dB0, out.dB0 + nB, T(0));
  if (dMT) std::memcpy(out.dM0, dMT, sizeof(T) * nM); else std::fill(out.dM0, out.dM0 + nM, T(0));
  if (dYT) std::memcpy(out.dY0, dYT, sizeof(T) * nY); else std::fill(out.dY0, out.dY0 + nY, T(0));
  if (out.dx) advise_huge_pages(out.dx, sizeof(T) * static_cast<size_t>(d.B) * d.T * d.dIn);
  const LayerPads<T> pad(d);
  const PackedMlp<T> pk(d, p, pad, /*transpose=*/false);
  timer.mark("setup");
  parallel_for(nBlocks, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      T* slot = slots.data() + c * slotLen;
      // this block's MLP weight gradients, padded like the packed weights; added into its slot at the end
      ScratchVec<T> gW[kMaxMlpLayers];
      T* gWp[kMaxMlpLayers] = {};
      for (int l = 0; l <= d.lMlp; ++l) {
        gW[l].assign(static_cast<size_t>(d.N) * pad.gradRows(d, l) * pad.gradLd(l), T(0));
        gWp[l] = gW[l].data();
      }
      const int b0 = static_cast<int>(c) * block_rows(d.B), R = std::min(block_rows(d.B), d.B - b0);
      backward_rows(d, p, pk, pad, s, dY, slot, gWp, out, b0, R);
      for (int i = 0; i < d.N; ++i) {
        const NetworkGradSlot<T> g = network_grad_slot(d, slot, i);
        for (int l = 0; l <= d.lMlp; ++l) {
          const int nIn = d.layerIn(l), nOut = d.layerOut(l), ld = pad.gradLd(l);
          const T* src = gWp[l] + static_cast<index_t>(i) * pad.gradRows(d, l) * ld;
          for (int o = 0; o < nOut; ++o)
            for (int q = 0; q < nIn; ++q)
              g.mlp.w[l][static_cast<index_t>(o) * nIn + q] +=
                  pad.gradT[l] ? src[static_cast<index_t>(q) * ld + o] : src[static_cast<index_t>(o) * ld + q];
        }
      }
    }
  });
  timer.mark("recurrence");
  // sum the slots into slot 0 in block order, in parallel over parameters
  parallel_for(slotLen, 4096, [&](std::int64_t q0, std::int64_t q1) {
    for (int c = 1; c < nBlocks; ++c) {
      const T* src = slots.data() + c * slotLen;
      for (std::int64_t q = q0; q < q1; ++q) slots[q] += src[q];
    }
  });
  network_unpack_slot(d, slots.data(), out);
  timer.mark("sum slots");
}

template void elm_network_forward<float>(const NetworkDims&, const NetworkInputs<float>&, float*, float*, float*,
                                         float*, float*);
template void elm_network_forward<double>(const NetworkDims&, const NetworkInputs<double>&, double*, double*,
                                          double*, double*, double*);
template void elm_network_backward<float>(const NetworkDims&, const NetworkInputs<float>&, const float*,
                                          const float*, const float*, const float*, const float*, const float*,
                                          const NetworkGradOut<float>&);
template void elm_network_backward<double>(const NetworkDims&, const NetworkInputs<double>&, const double*,
                                           const double*, const double*, const double*, const double*,
                                           const double*, const NetworkGradOut<double>&);

}  // namespace elm::cpu
