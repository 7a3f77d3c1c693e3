// CPU kernels of the fused ELM neuron (ELM_SPEC §2, §3). The trace is a linear
// filter of the input, independent of the memory, so each pass splits into
//   forward:  A. traces and u_t for all t (per sample)
//             B. pre0 = b0 + W0[:, :dTree] u_t for all (b,t) at once (one GEMM)
//             C. the recurrence over t: pre0 += W0[:, dTree:] (κ_m ⊙ m_{t−1}),
//                hidden layers, Δm_t = ctanh(W_L h + b_L), m_t (per sample block)
//   backward: D. the recurrence reversed: dL/d pre of every layer for all (b,t)
//             E. dL/du_t = dPre0 W0[:, :dTree] (one GEMM)
//             F. traces reversed: dWS, dKappaTrace, dx, dTrace0 (per sample)
//             G. weight gradients dW_l = Σ_{b,t} dPre_l ⊗ input_l (GEMMs)
// Per-sample partial sums are reduced in a fixed order: results do not
// depend on the thread count.
#include "cpu/elm_neuron.h"

#include <algorithm>
#include <vector>

#include "cpu/elm_neuron_gemm.h"
#include "cpu/parallel.h"

namespace elm::cpu {
namespace {

using neuron_gemm::PaddedMatrix;
using neuron_gemm::rows_times_w;
using neuron_gemm::at_times_b;

// Samples advanced together in the recurrences (rows of one micro-tile).
constexpr index_t kSampleBlock = 8;

template <class T>
struct Weights {
  PaddedMatrix<T> w0u_t;  // [dTree][dMlp]  = W0[:, :dTree]ᵀ   (forward B)
  PaddedMatrix<T> w0a_t;  // [dM][dMlp]     = W0[:, dTree:]ᵀ   (forward C)
  std::vector<PaddedMatrix<T>> wt;  // layer l ≥ 1: W_lᵀ [in][out]   (forward C)
  PaddedMatrix<T> w0u;    // [dMlp][dTree]  = W0[:, :dTree]     (backward E)
  PaddedMatrix<T> w0a;    // [dMlp][dM]     = W0[:, dTree:]     (backward D)
  std::vector<PaddedMatrix<T>> w;   // layer l ≥ 1: W_l [out][in]    (backward D)
};

template <class T>
Weights<T> forward_weights(const NeuronDims& d, const NeuronInputs<T>& in) {
  Weights<T> W;
  const int nZ = d.nZ();
  W.w0u_t = PaddedMatrix<T>(d.dTree, d.dMlp, in.mlpW[0], 1, nZ);
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
  W.w0u = PaddedMatrix<T>(d.dMlp, d.dTree, in.mlpW[0], nZ, 1);
  W.w0a = PaddedMatrix<T>(d.dMlp, d.dM, in.mlpW[0] + d.dTree, nZ, 1);
  W.w.resize(d.lMlp + 1);
  for (int l = 1; l <= d.lMlp; ++l) {
    const int nOut = l == d.lMlp ? d.dM : d.dMlp;
    W.w[l] = PaddedMatrix<T>(nOut, d.dMlp, in.mlpW[l], d.dMlp, 1);
  }
  return W;
}

// A. s_t / b_t and u_t for one sample, all t (ELM_SPEC §2, §3).
template <class T>
void trace_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, index_t b) {
  const int dTr = d.dTr(), nZ = d.nZ();
  std::vector<T> drive(d.dS);
  for (index_t t = 0; t < d.T; ++t) {
    const index_t bt = b * d.T + t;
    const T* xt = in.x + bt * d.dIn;
    for (int j = 0; j < d.dS; ++j) drive[j] = in.wS[j] * routed_input(in, xt, j);
    T* cur = sv.trace + bt * dTr;
    const T* prev = t > 0 ? cur - dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
    T* u = sv.z + bt * nZ;
    if (d.variant == 1) {
      for (int j = 0; j < d.dS; ++j) cur[j] = (prev ? in.kappaTrace[j] * prev[j] : T(0)) + drive[j];
      for (int k = 0; k < d.dTree; ++k) {
        T s = T(0);
        for (int e = 0; e < d.dBrch; ++e) s += cur[k * d.dBrch + e];
        u[k] = s;
      }
    } else {
      for (int k = 0; k < d.dTree; ++k) {
        T s = T(0);
        for (int e = 0; e < d.dBrch; ++e) s += drive[k * d.dBrch + e];
        cur[k] = (prev ? in.kappaTrace[k] * prev[k] : T(0)) + s;
        u[k] = cur[k];
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
      for (int k = 0; k < dM; ++k) m[k] = memory_update(a[k], in.gain[k], o[k], dm + k);
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

template <class T>
void elm_neuron_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT, T* mT) {
  const index_t N = d.B * d.T;
  const int nZ = d.nZ(), nH = d.nH(), dTr = d.dTr();
  const Weights<T> W = forward_weights(d, in);
  // A
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    for (index_t b = b0; b < b1; ++b) trace_forward(d, in, sv, b);
  });
  // B: pre0 = b0 + W0u u_t over all rows
  parallel_for((N + 7) / 8, 16, [&](index_t c0, index_t c1) {
    const index_t r0 = c0 * 8, r1 = std::min(N, c1 * 8);
    rows_times_w<T>(r1 - r0, sv.z + r0 * nZ, nZ, W.w0u_t, sv.pre + r0 * nH, nH, in.mlpB[0], false);
  });
  // C
  for_sample_blocks<T>(d.B, [&](index_t b0, index_t S) { recurrence_forward(d, in, W, sv, b0, S); });
  for (index_t b = 0; b < d.B; ++b) {
    const index_t last = b * d.T + d.T - 1;
    std::copy(sv.trace + last * dTr, sv.trace + (last + 1) * dTr, traceT + b * dTr);
    std::copy(sv.m + last * d.dM, sv.m + (last + 1) * d.dM, mT + b * d.dM);
  }
}

namespace {

// Buffers of the backward pass.
template <class T>
struct BackwardScratch {
  std::vector<T> dPreH;    // [B,T,nH]  dL/d pre of the hidden layers
  std::vector<T> dPreOut;  // [B,T,dM]  dL/d o_t (output layer)
  std::vector<T> dU;       // [B,T,dTree]
  std::vector<T> accGain, accKappaM;  // [B,dM] per-sample partial sums
  std::vector<T> accWS, accKappaTrace;  // [B,dS], [B,dTr]
};

// D. The recurrence reversed for samples [b0, b0+S).
template <class T>
void recurrence_backward(const NeuronDims& d, const NeuronInputs<T>& in, const Weights<T>& W, const NeuronSaved<T>& sv,
                         const T* dM, const T* dMT, BackwardScratch<T>& sc, T* dM0, index_t b0, index_t S) {
  const int nZ = d.nZ(), nH = d.nH(), dMn = d.dM, H = d.dMlp, L = d.lMlp;
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
      for (int k = 0; k < dMn; ++k) {
        const T g = dM[bt * dMn + k] + carry[s * dMn + k];
        gm[s * dMn + k] = g;
        dOut[k] = memory_update_backward(g, in.gain[k], dmt[k], accG + k);
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
        T* dp = sc.dPreH.data() + off;
        const T* p = sv.pre + off;
        for (int j = 0; j < H; ++j) dp[j] *= activate_grad(d.act, p[j]);
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
  (void)nZ;
}

// F. The traces reversed for one sample.
template <class T>
void trace_backward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dTraceT,
                    BackwardScratch<T>& sc, const NeuronGrads<T>& g, index_t b) {
  const int dTr = d.dTr(), dS = d.dS;
  std::vector<T> carry(dTr), gs(dS);
  for (int k = 0; k < dTr; ++k) carry[k] = dTraceT ? dTraceT[b * dTr + k] : T(0);
  T* accWS = sc.accWS.data() + b * dS;
  T* accKT = sc.accKappaTrace.data() + b * dTr;
  for (index_t t = d.T - 1; t >= 0; --t) {
    const index_t bt = b * d.T + t;
    const T* du = sc.dU.data() + bt * d.dTree;
    const T* prev = t > 0 ? sv.trace + (bt - 1) * dTr : in.trace0 ? in.trace0 + b * dTr : nullptr;
    if (d.variant == 1) {
      // s_t = κ_s ⊙ s_{t−1} + w_s ⊙ r_t, u_t = branch_sum(s_t)
      for (int j = 0; j < dS; ++j) {
        const T gj = du[j / d.dBrch] + carry[j];
        if (prev) accKT[j] += gj * prev[j];
        carry[j] = gj * in.kappaTrace[j];
        gs[j] = gj;
      }
    } else {
      // b_t = κ_b ⊙ b_{t−1} + branch_sum(w_s ⊙ r_t)
      for (int k = 0; k < d.dTree; ++k) {
        const T gk = du[k] + carry[k];
        if (prev) accKT[k] += gk * prev[k];
        carry[k] = gk * in.kappaTrace[k];
        for (int e = 0; e < d.dBrch; ++e) gs[k * d.dBrch + e] = gk;
      }
    }
    const T* xt = in.x + bt * d.dIn;
    T* dxt = g.dx + bt * d.dIn;
    for (int j = 0; j < dS; ++j) {
      const int src = route_source(in, j);
      const T mask = in.routeMask ? in.routeMask[j] : T(1);
      accWS[j] += gs[j] * xt[src] * mask;
      dxt[src] += gs[j] * in.wS[j] * mask;
    }
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
  const Weights<T> W = backward_weights(d, in);
  BackwardScratch<T> sc;
  sc.dPreH.assign(static_cast<size_t>(N) * nH, T(0));
  sc.dPreOut.assign(static_cast<size_t>(N) * dMn, T(0));
  sc.dU.assign(static_cast<size_t>(N) * d.dTree, T(0));
  sc.accGain.assign(static_cast<size_t>(d.B) * dMn, T(0));
  sc.accKappaM.assign(static_cast<size_t>(d.B) * dMn, T(0));
  sc.accWS.assign(static_cast<size_t>(d.B) * d.dS, T(0));
  sc.accKappaTrace.assign(static_cast<size_t>(d.B) * d.dTr(), T(0));
  // D
  for_sample_blocks<T>(d.B, [&](index_t b0, index_t S) { recurrence_backward(d, in, W, sv, dM, dMT, sc, g.dM0, b0, S); });
  // E: dU = dPre0 W0u
  parallel_for((N + 7) / 8, 16, [&](index_t c0, index_t c1) {
    const index_t r0 = c0 * 8, r1 = std::min(N, c1 * 8);
    rows_times_w<T>(r1 - r0, sc.dPreH.data() + r0 * nH, nH, W.w0u, sc.dU.data() + r0 * d.dTree, d.dTree, nullptr, false);
  });
  // F
  std::fill(g.dx, g.dx + N * d.dIn, T(0));
  parallel_for(d.B, 1, [&](index_t b0, index_t b1) {
    for (index_t b = b0; b < b1; ++b) trace_backward(d, in, sv, dTraceT, sc, g, b);
  });
  reduce_samples(sc.accGain, d.B, dMn, g.dGain);
  reduce_samples(sc.accKappaM, d.B, dMn, g.dKappaM);
  reduce_samples(sc.accWS, d.B, d.dS, g.dWS);
  reduce_samples(sc.accKappaTrace, d.B, d.dTr(), g.dKappaTrace);
  // G: dW_l = Σ_n dPre_l[n] ⊗ input_l[n], db_l = Σ_n dPre_l[n]; layers split into row ranges across threads
  struct Job { int layer, o0, o1; };
  std::vector<Job> jobs;
  for (int l = 0; l <= L; ++l) {
    const int nOut = l == L ? dMn : H;
    for (int o = 0; o < nOut; o += 16) jobs.push_back({l, o, std::min(nOut, o + 16)});
  }
  parallel_for(static_cast<index_t>(jobs.size()), 1, [&](index_t j0, index_t j1) {
    for (index_t j = j0; j < j1; ++j) {
      const Job& job = jobs[j];
      const int l = job.layer;
      const int nIn = l == 0 ? nZ : H;
      const T* A = l == L ? sc.dPreOut.data() : sc.dPreH.data() + static_cast<index_t>(l) * H;
      const index_t lda = l == L ? dMn : nH;
      const T* X = l == 0 ? sv.z : sv.post + static_cast<index_t>(l - 1) * H;
      const index_t ldx = l == 0 ? nZ : nH;
      T* gw = g.dMlpW[l];
      std::fill(gw + static_cast<index_t>(job.o0) * nIn, gw + static_cast<index_t>(job.o1) * nIn, T(0));
      at_times_b<T>(N, job.o0, job.o1, nIn, A, lda, X, ldx, gw, nIn);
      for (int o = job.o0; o < job.o1; ++o) {
        T s = T(0);
        for (index_t n = 0; n < N; ++n) s += A[n * lda + o];
        g.dMlpB[l][o] = s;
      }
    }
  });
}

template void elm_neuron_forward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, float*, float*);
template void elm_neuron_forward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, double*, double*);
template void elm_neuron_backward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, const float*,
                                         const float*, const float*, const NeuronGrads<float>&);
template void elm_neuron_backward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, const double*,
                                          const double*, const double*, const NeuronGrads<double>&);

}  // namespace elm::cpu
