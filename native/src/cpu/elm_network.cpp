// CPU ELM Network kernel: see elm_network.h.
//
// Schedule: the batch is split into contiguous row chunks, one per worker; a chunk
// runs the whole sequence (rows never interact, so no barrier per step). Within
// a step, neuron i is computed for all rows of the chunk together, so its weights
// are loaded once per step for R rows; the MLP layers are row-blocked products
// with the innermost loop over a contiguous output (forward, weights packed as
// [in,out]) or input (backward, PyTorch layout [out,in]) dimension, which the
// compiler vectorises. z_t = [x_t ; y_{t−1}] is copied into one contiguous row
// per step, so a synapse is one indexed load with no branch; in the backward
// pass ∂L/∂z_t is scattered into a row buffer (the worker owns its rows), then
// split into dx and ∂L/∂y_{t−1}. (The CUDA bodies gather through
// network_readers instead, since there neurons of a row run in parallel.)
//
// The math is that of elm/network.h (one sample, shared with CUDA), reordered;
// the activations are elm/activations.h. The tests hold both to the TypeScript
// oracle.
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

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cpu/parallel.h"
#include "cpu/elm_network_simd.h"
#include "elm/activations.h"

namespace elm::cpu {
namespace {

// ELM_NETWORK_PROFILE=1 prints each phase's wall time, the calling thread's CPU
// time and the process's CPU time (all threads: on a busy machine wall time
// alone says little) to stderr.
class PhaseTimer {
 public:
  explicit PhaseTimer(const char* pass)
      : pass_(pass), on_(std::getenv("ELM_NETWORK_PROFILE") != nullptr), t_(now()), c_(cpu(CLOCK_THREAD_CPUTIME_ID)),
        p_(cpu(CLOCK_PROCESS_CPUTIME_ID)) {}
  void mark(const char* phase) {
    if (!on_) return;
    const double t = now(), c = cpu(CLOCK_THREAD_CPUTIME_ID), pc = cpu(CLOCK_PROCESS_CPUTIME_ID);
    std::fprintf(stderr, "elm_network %s %-14s wall %7.2f ms  thread cpu %7.2f ms  process cpu %7.2f ms\n", pass_, phase,
                 t - t_, c - c_, pc - p_);
    t_ = t;
    c_ = c;
    p_ = pc;
  }

 private:
  static double now() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }
  static double cpu(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
  }
  const char* pass_;
  bool on_;
  double t_, c_, p_;
};

// Batch rows split into contiguous chunks, one per worker.
struct Chunks {
  int count, rows;
};
Chunks batch_chunks(int B) {
  const int n = std::max(1, std::min(B, num_threads()));
  const int rows = (B + n - 1) / n;
  return {(B + rows - 1) / rows, rows};
}

// Padded widths of the MLP layers (multiples of the SIMD width).
template <class T>
struct LayerPads {
  int in[kMaxMlpLayers], out[kMaxMlpLayers], max;
  explicit LayerPads(const NetworkDims& d) : max(0) {
    for (int l = 0; l <= d.lMlp; ++l) {
      in[l] = simd::pad_to(d.layerIn(l), simd::V<T>::L);
      out[l] = simd::pad_to(d.layerOut(l), simd::V<T>::L);
      max = std::max(max, std::max(in[l], out[l]));
    }
  }
};

// Every neuron's MLP weights, packed and zero-padded: forward [N][in][outPad]
// (products run over outputs), backward [N][out][inPad] (over inputs).
template <class T>
struct PackedMlp {
  std::vector<T> w[kMaxMlpLayers];
  PackedMlp(const NetworkDims& d, const NetworkInputs<T>& p, const LayerPads<T>& pad, bool transpose) {
    for (int l = 0; l <= d.lMlp; ++l) {
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

// z_t = [x_t ; y_{t−1}] for row b, contiguous.
template <class T>
void build_z(const NetworkDims& d, const NetworkInputs<T>& p, const T* y, int b, int t, T* z) {
  const index_t row = static_cast<index_t>(b) * d.T + t;
  std::memcpy(z, p.x + row * d.dIn, sizeof(T) * d.dIn);
  const T* yPrev = t > 0 ? y + (row - 1) * d.dY() : (p.y0 ? p.y0 + static_cast<index_t>(b) * d.dY() : nullptr);
  if (yPrev) std::memcpy(z + d.dIn, yPrev, sizeof(T) * d.dY());
  else std::fill(z + d.dIn, z + d.dZ(), T(0));
}

// Per-worker buffers of a chunk of R rows; row buffers padded (zeros past the data).
template <class T>
struct ChunkScratch {
  int R, ld;
  std::vector<T> z, dz, h0, bufA, bufB, dm;
  ChunkScratch(const NetworkDims& d, const LayerPads<T>& pad, int R_) : R(R_), ld(pad.max) {
    z.resize(static_cast<size_t>(R) * d.dZ());
    dz.resize(static_cast<size_t>(R) * d.dZ());
    h0.assign(static_cast<size_t>(R) * ld, T(0));
    bufA.assign(static_cast<size_t>(R) * ld, T(0));
    bufB.assign(static_cast<size_t>(R) * ld, T(0));
    dm.resize(static_cast<size_t>(R) * d.dM);
  }
  T* row(std::vector<T>& v, int r) { return v.data() + static_cast<index_t>(r) * ld; }
};

constexpr int kMaxRows = 64;  // rows of a chunk processed together (larger chunks are split)

template <class T>
void forward_rows(const NetworkDims& d, const NetworkInputs<T>& p, const PackedMlp<T>& pk, const LayerPads<T>& pad,
                  const NetworkSaved<T>& s, int b0, int R, ChunkScratch<T>& S) {
  const int kc = d.kc(), hid = d.hidden();
  T* hIn[kMaxRows];
  T* acc[kMaxRows];
  index_t cur[kMaxRows];
  for (int t = 0; t < d.T; ++t) {
    for (int r = 0; r < R; ++r) build_z(d, p, s.y, b0 + r, t, S.z.data() + static_cast<index_t>(r) * d.dZ());
    for (int i = 0; i < d.N; ++i) {
      const std::int32_t* src = p.src + static_cast<index_t>(i) * kc;
      const T* w = p.w + static_cast<index_t>(i) * kc;
      const T* kappaB = p.kappaB + static_cast<index_t>(i) * d.dTree;
      const T* kappaM = p.kappaM + static_cast<index_t>(i) * d.dM;
      for (int r = 0; r < R; ++r) {
        const int b = b0 + r;
        cur[r] = d.sample(b, t, i);
        const index_t init = static_cast<index_t>(b) * d.N + i;
        const T* bPrev = t > 0 ? s.b + (cur[r] - d.stepStride()) * d.dTree : (p.b0 ? p.b0 + init * d.dTree : nullptr);
        const T* mPrev = t > 0 ? s.m + (cur[r] - d.stepStride()) * d.dM : (p.m0 ? p.m0 + init * d.dM : nullptr);
        const T* z = S.z.data() + static_cast<index_t>(r) * d.dZ();
        T* h0 = S.row(S.h0, r);
        T* bNow = s.b + cur[r] * d.dTree;
        // b_t = κ_b ⊙ b_{t−1} + branch_sum(w ⊙ z_t[src])   (ELM_SPEC §4)
        for (int br = 0; br < d.dTree; ++br) {
          T u = T(0);
          for (int e = 0; e < d.dBrch; ++e) {
            const int j = br * d.dBrch + e;
            u += w[j] * z[src[j]];
          }
          const T bt = (bPrev ? kappaB[br] * bPrev[br] : T(0)) + u;
          bNow[br] = bt;
          h0[br] = bt;
        }
        for (int k = 0; k < d.dM; ++k) h0[d.dTree + k] = mPrev ? kappaM[k] * mPrev[k] : T(0);
        hIn[r] = h0;
      }
      // Δm = ctanh(MLP([b_t ; κ_m ⊙ m_{t−1}])): layer l reads hIn, writes acc (padded rows)
      for (int l = 0; l <= d.lMlp; ++l) {
        const int nIn = d.layerIn(l), nOut = d.layerOut(l);
        const T* bias = p.mlpB[l] + static_cast<index_t>(i) * nOut;
        for (int r = 0; r < R; ++r) {
          acc[r] = S.row(l % 2 == 0 ? S.bufA : S.bufB, r);
          std::memcpy(acc[r], bias, sizeof(T) * nOut);
          std::fill(acc[r] + nOut, acc[r] + pad.out[l], T(0));
        }
        simd::product(R, nIn, pk.w[l].data() + static_cast<index_t>(i) * nIn * pad.out[l], pad.out[l], hIn, acc);
        if (l < d.lMlp) {
          for (int r = 0; r < R; ++r) {
            // the CPU path keeps only the pre-activations (its backward recomputes act(pre));
            // the post region of `saved` stays untouched (never paged in)
            T* pre = s.pre + cur[r] * hid + static_cast<index_t>(l) * d.dMlp;
            std::memcpy(pre, acc[r], sizeof(T) * nOut);
            for (int o = 0; o < nOut; ++o) acc[r][o] = activate(d.act, acc[r][o]);  // act(0) = 0 in the padding
            hIn[r] = acc[r];
          }
        }
      }
      // m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm;  y_t = W_y m_t + b_y
      const T* gain = p.gain + static_cast<index_t>(i) * d.dM;
      const T* wY = p.wY + static_cast<index_t>(i) * d.dAxon * d.dM;
      for (int r = 0; r < R; ++r) {
        const T* h0 = S.row(S.h0, r);
        const T* o = acc[r];
        T* dlt = s.deltaM + cur[r] * d.dM;
        T* mNow = s.m + cur[r] * d.dM;
        for (int k = 0; k < d.dM; ++k) dlt[k] = ctanh(o[k]);
        for (int k = 0; k < d.dM; ++k) mNow[k] = h0[d.dTree + k] + gain[k] * dlt[k];
        T* yNow = s.y + (static_cast<index_t>(b0 + r) * d.T + t) * d.dY() + static_cast<index_t>(i) * d.dAxon;
        for (int a = 0; a < d.dAxon; ++a) {
          T v = p.bY[static_cast<index_t>(i) * d.dAxon + a];
          for (int k = 0; k < d.dM; ++k) v += wY[static_cast<index_t>(a) * d.dM + k] * mNow[k];
          yNow[a] = v;
        }
      }
    }
  }
}

template <class T>
void backward_rows(const NetworkDims& d, const NetworkInputs<T>& p, const PackedMlp<T>& pk, const LayerPads<T>& pad,
                   const NetworkSaved<T>& s, const T* dY, T* slot, T* const* gWpad,
                   T* dbStep, const NetworkGradOut<T>& out, int b0, int R, ChunkScratch<T>& S) {
  const int kc = d.kc(), hid = d.hidden();
  T* dMc = out.dM0;  // the carried gradients live in dB0, dM0, dY0 until they are those
  T* dBc = out.dB0;
  T* dYc = out.dY0;
  std::vector<T> hbuf(static_cast<size_t>(R) * S.ld, T(0));  // padded copies of the posts
  T* hIn[kMaxRows];
  T* dA[kMaxRows];
  T* dH[kMaxRows];
  index_t cur[kMaxRows];
  for (int t = d.T - 1; t >= 0; --t) {
    for (int r = 0; r < R; ++r) build_z(d, p, s.y, b0 + r, t, S.z.data() + static_cast<index_t>(r) * d.dZ());
    std::fill(S.dz.begin(), S.dz.end(), T(0));
    for (int i = 0; i < d.N; ++i) {
      const NetworkGradSlot<T> g = network_grad_slot(d, slot, i);
      const T* kappaB = p.kappaB + static_cast<index_t>(i) * d.dTree;
      const T* kappaM = p.kappaM + static_cast<index_t>(i) * d.dM;
      const T* gain = p.gain + static_cast<index_t>(i) * d.dM;
      const T* wY = p.wY + static_cast<index_t>(i) * d.dAxon * d.dM;
      for (int r = 0; r < R; ++r) {
        const int b = b0 + r;
        const index_t row = static_cast<index_t>(b) * d.T + t;
        cur[r] = d.sample(b, t, i);
        const index_t init = static_cast<index_t>(b) * d.N + i;
        const T* mPrev = t > 0 ? s.m + (cur[r] - d.stepStride()) * d.dM : (p.m0 ? p.m0 + init * d.dM : nullptr);
        const T* mNow = s.m + cur[r] * d.dM;
        const T* dlt = s.deltaM + cur[r] * d.dM;
        T* dm = S.dm.data() + static_cast<index_t>(r) * d.dM;
        T* h0 = S.row(S.h0, r);
        // y_t = W_y m_t + b_y
        std::memcpy(dm, dMc + init * d.dM, sizeof(T) * d.dM);
        for (int a = 0; a < d.dAxon; ++a) {
          const index_t q = static_cast<index_t>(i) * d.dAxon + a;
          const T gy = dY[row * d.dY() + q] + dYc[static_cast<index_t>(b) * d.dY() + q];
          g.bY[a] += gy;
          T* gwy = g.wY + static_cast<index_t>(a) * d.dM;
          const T* wya = wY + static_cast<index_t>(a) * d.dM;
          for (int k = 0; k < d.dM; ++k) {
            gwy[k] += gy * mNow[k];
            dm[k] += gy * wya[k];
          }
        }
        // m_t = κ_m ⊙ m_{t−1} + gain ⊙ Δm,  Δm = ctanh(out)
        dA[r] = S.row(S.bufA, r);
        dH[r] = S.row(S.bufB, r);
        for (int k = 0; k < d.dM; ++k) {
          g.gain[k] += dm[k] * dlt[k];
          dA[r][k] = dm[k] * gain[k] * ctanh_grad_from_output(dlt[k]);
        }
        std::memcpy(h0, s.b + cur[r] * d.dTree, sizeof(T) * d.dTree);
        for (int k = 0; k < d.dM; ++k) h0[d.dTree + k] = mPrev ? kappaM[k] * mPrev[k] : T(0);
      }
      // MLP backward, layer lMlp … 0 (dA: ∂L/∂ this layer's output, dH: ∂L/∂ its input)
      for (int l = d.lMlp; l >= 0; --l) {
        const int nIn = d.layerIn(l), nOut = d.layerOut(l);
        for (int r = 0; r < R; ++r) {
          if (l == 0) {
            hIn[r] = S.row(S.h0, r);
          } else {
            hIn[r] = hbuf.data() + static_cast<index_t>(r) * S.ld;
            const T* pre = s.pre + cur[r] * hid + static_cast<index_t>(l - 1) * d.dMlp;
            for (int q = 0; q < nIn; ++q) hIn[r][q] = activate(d.act, pre[q]);
          }
          T* gb = g.mlp.b[l];
          for (int o = 0; o < nOut; ++o) gb[o] += dA[r][o];
          std::fill(dH[r], dH[r] + pad.in[l], T(0));
        }
        simd::outer(R, nOut, gWpad[l] + static_cast<index_t>(i) * nOut * pad.in[l], pad.in[l], dA, hIn);
        simd::product(R, nOut, pk.w[l].data() + static_cast<index_t>(i) * nOut * pad.in[l], pad.in[l], dA, dH);
        if (l > 0) {
          for (int r = 0; r < R; ++r) {
            const T* pre = s.pre + cur[r] * hid + static_cast<index_t>(l - 1) * d.dMlp;
            for (int q = 0; q < nIn; ++q) dH[r][q] *= activate_grad(d.act, pre[q]);
            // stale values past nIn in dA's next use are never read (reads stop at nOut)
          }
        }
        for (int r = 0; r < R; ++r) std::swap(dA[r], dH[r]);
      }
      // dA_r = ∂L/∂[b_t ; κ_m ⊙ m_{t−1}]
      const std::int32_t* src = p.src + static_cast<index_t>(i) * kc;
      for (int r = 0; r < R; ++r) {
        const int b = b0 + r;
        const index_t init = static_cast<index_t>(b) * d.N + i;
        const T* mPrev = t > 0 ? s.m + (cur[r] - d.stepStride()) * d.dM : (p.m0 ? p.m0 + init * d.dM : nullptr);
        const T* bPrev = t > 0 ? s.b + (cur[r] - d.stepStride()) * d.dTree : (p.b0 ? p.b0 + init * d.dTree : nullptr);
        const T* dm = S.dm.data() + static_cast<index_t>(r) * d.dM;
        const T* dh0 = dA[r];
        T* dMci = dMc + init * d.dM;
        for (int k = 0; k < d.dM; ++k) {
          const T gmk = dh0[d.dTree + k] + dm[k];  // κ_m ⊙ m_{t−1} feeds the MLP and m_t
          if (mPrev) g.kappaM[k] += gmk * mPrev[k];
          dMci[k] = gmk * kappaM[k];
        }
        T* dBci = dBc + init * d.dTree;
        T* dbNow = dbStep + init * d.dTree;
        for (int br = 0; br < d.dTree; ++br) {
          const T db = dh0[br] + dBci[br];
          if (bPrev) g.kappaB[br] += db * bPrev[br];
          dBci[br] = db * kappaB[br];
          dbNow[br] = db;
        }
      }
      // ∂L/∂w[j] += Σ_r ∂L/∂b_t[⌊j/dBrch⌋]·z_t[src[j]];  ∂L/∂z_t[src[j]] += w[j]·∂L/∂b_t[⌊j/dBrch⌋]
      // (a scatter: this worker owns its rows, and the neurons of a row run one after another)
      const T* w = p.w + static_cast<index_t>(i) * kc;
      for (int br = 0; br < d.dTree; ++br) {
        T dbr[kMaxRows];
        for (int r = 0; r < R; ++r) dbr[r] = dbStep[(static_cast<index_t>(b0 + r) * d.N + i) * d.dTree + br];
        for (int e = 0; e < d.dBrch; ++e) {
          const int j = br * d.dBrch + e;
          const std::int32_t sj = src[j];
          const T wj = w[j];
          T acc = T(0);
          for (int r = 0; r < R; ++r) {
            acc += dbr[r] * S.z[static_cast<index_t>(r) * d.dZ() + sj];
            S.dz[static_cast<index_t>(r) * d.dZ() + sj] += wj * dbr[r];
          }
          g.w[j] += acc;
        }
      }
    }
    // ∂L/∂z_t: dx[b,t,:] and ∂L/∂y_{t−1} (read by step t−1)
    for (int r = 0; r < R; ++r) {
      const T* dz = S.dz.data() + static_cast<index_t>(r) * d.dZ();
      const int b = b0 + r;
      std::memcpy(out.dx + (static_cast<index_t>(b) * d.T + t) * d.dIn, dz, sizeof(T) * d.dIn);
      std::memcpy(dYc + static_cast<index_t>(b) * d.dY(), dz + d.dIn, sizeof(T) * d.dY());
    }
  }
}

}  // namespace

template <class T>
void elm_network_forward(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved) {
  PhaseTimer timer("forward");
  const NetworkSaved<T> s = network_saved_views(d, saved, y);
  const LayerPads<T> pad(d);
  const PackedMlp<T> pk(d, p, pad, /*transpose=*/true);
  timer.mark("pack");
  const Chunks ch = batch_chunks(d.B);
  parallel_for(ch.count, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      const int cb0 = static_cast<int>(c) * ch.rows, cb1 = std::min(d.B, cb0 + ch.rows);
      for (int b0 = cb0; b0 < cb1; b0 += kMaxRows) {
        const int R = std::min(kMaxRows, cb1 - b0);
        ChunkScratch<T> S(d, pad, R);
        forward_rows(d, p, pk, pad, s, b0, R, S);
      }
    }
  });
  timer.mark("recurrence");
  network_final_states(d, saved, y, bT, mT, yT);
  timer.mark("final states");
}

template <class T>
void elm_network_backward(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                          const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out) {
  PhaseTimer timer("backward");
  const NetworkSaved<T> s = network_saved_views(d, const_cast<T*>(saved), const_cast<T*>(y));
  const Chunks ch = batch_chunks(d.B);
  const std::int64_t slotLen = d.slotLength();
  std::vector<T> slots(static_cast<size_t>(ch.count * slotLen), T(0));
  const std::int64_t nB = static_cast<std::int64_t>(d.B) * d.N * d.dTree;
  const std::int64_t nM = static_cast<std::int64_t>(d.B) * d.N * d.dM;
  const std::int64_t nY = static_cast<std::int64_t>(d.B) * d.dY();
  // the carried gradients live in the outputs dB0, dM0, dY0 (they end as those)
  if (dBT) std::memcpy(out.dB0, dBT, sizeof(T) * nB); else std::fill(out.dB0, out.dB0 + nB, T(0));
  if (dMT) std::memcpy(out.dM0, dMT, sizeof(T) * nM); else std::fill(out.dM0, out.dM0 + nM, T(0));
  if (dYT) std::memcpy(out.dY0, dYT, sizeof(T) * nY); else std::fill(out.dY0, out.dY0 + nY, T(0));
  std::vector<T> dbStep(static_cast<size_t>(nB), T(0));
  const LayerPads<T> pad(d);
  const PackedMlp<T> pk(d, p, pad, /*transpose=*/false);
  timer.mark("setup");
  parallel_for(ch.count, 1, [&](std::int64_t c0, std::int64_t c1) {
    for (std::int64_t c = c0; c < c1; ++c) {
      T* slot = slots.data() + c * slotLen;
      // this chunk's MLP weight gradients, padded like the packed weights; added into its slot at the end
      std::vector<T> gW[kMaxMlpLayers];
      T* gWp[kMaxMlpLayers] = {};
      for (int l = 0; l <= d.lMlp; ++l) {
        gW[l].assign(static_cast<size_t>(d.N) * d.layerOut(l) * pad.in[l], T(0));
        gWp[l] = gW[l].data();
      }
      const int cb0 = static_cast<int>(c) * ch.rows, cb1 = std::min(d.B, cb0 + ch.rows);
      for (int b0 = cb0; b0 < cb1; b0 += kMaxRows) {
        const int R = std::min(kMaxRows, cb1 - b0);
        ChunkScratch<T> S(d, pad, R);
        backward_rows(d, p, pk, pad, s, dY, slot, gWp, dbStep.data(), out, b0, R, S);
      }
      for (int i = 0; i < d.N; ++i) {
        const NetworkGradSlot<T> g = network_grad_slot(d, slot, i);
        for (int l = 0; l <= d.lMlp; ++l) {
          const int nIn = d.layerIn(l), nOut = d.layerOut(l);
          const T* src = gWp[l] + static_cast<index_t>(i) * nOut * pad.in[l];
          for (int o = 0; o < nOut; ++o)
            for (int q = 0; q < nIn; ++q) g.mlp.w[l][static_cast<index_t>(o) * nIn + q] += src[static_cast<index_t>(o) * pad.in[l] + q];
        }
      }
    }
  });
  timer.mark("recurrence");
  // sum the slots into slot 0, in parallel over parameters
  parallel_for(slotLen, 4096, [&](std::int64_t q0, std::int64_t q1) {
    for (int c = 1; c < ch.count; ++c) {
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
