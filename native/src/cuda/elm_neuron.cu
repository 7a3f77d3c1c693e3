// CUDA kernels of the fused ELM neuron: one block per sample runs the whole
// sequence, phase by phase with __syncthreads() between phases; the thread
// bodies are elm/neuron_cuda.h (the same code the host tests run). The
// backward pass writes per-block partial parameter gradients, summed over
// blocks in order by a second kernel (deterministic, no atomics).
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "cuda/elm_neuron.h"
#include "cuda/runtime.h"
#include "elm/neuron_cuda.h"

namespace elm::cuda {
namespace {

constexpr int kThreads = 256;

// A device allocation freed on scope exit.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes > 0) check(cudaMalloc(&p_, bytes), "cudaMalloc");
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : p_(o.p_), bytes_(o.bytes_) { o.p_ = nullptr; }
  ~DeviceBuffer() {
    if (p_) cudaFree(p_);
  }
  template <class U>
  U* get() const { return static_cast<U*>(p_); }

 private:
  void* p_ = nullptr;
  size_t bytes_ = 0;
};

// Keeps every device buffer of one call alive; uploads host arrays.
class Arena {
 public:
  template <class U>
  U* alloc(size_t n) {
    bufs_.emplace_back(n * sizeof(U));
    return bufs_.back().get<U>();
  }
  template <class U>
  U* upload(const U* host, size_t n) {
    if (!host) return nullptr;
    U* d = alloc<U>(n);
    check(cudaMemcpy(d, host, n * sizeof(U), cudaMemcpyHostToDevice), "cudaMemcpy(host→device)");
    return d;
  }
  template <class U>
  U* zeros(size_t n) {
    U* d = alloc<U>(n);
    check(cudaMemset(d, 0, n * sizeof(U)), "cudaMemset");
    return d;
  }

 private:
  std::vector<DeviceBuffer> bufs_;
};

template <class U>
void download(U* host, const U* dev, size_t n) {
  check(cudaMemcpy(host, dev, n * sizeof(U), cudaMemcpyDeviceToHost), "cudaMemcpy(device→host)");
}

template <class T>
__device__ __forceinline__ T* shared_ptr_of() {
  extern __shared__ __align__(16) unsigned char elm_neuron_smem[];
  return reinterpret_cast<T*>(elm_neuron_smem);
}

template <class T>
__global__ void neuron_forward_kernel(NeuronDims d, NeuronInputs<T> in, MlpWeightsT<T> wt, NeuronSaved<T> sv, T* traceT, T* mT) {
  T* shared = shared_ptr_of<T>();
  const index_t b = blockIdx.x;
  const int tid = threadIdx.x, nt = blockDim.x;
  const int phases = neuron_fwd_phases(d);
  for (index_t t = 0; t < d.T; ++t) {
    for (int p = 0; p < phases; ++p) {
      neuron_fwd_phase<T>(p, d, in, wt, sv, b, t, tid, nt, shared);
      __syncthreads();
    }
  }
  neuron_fwd_final<T>(d, sv, b, tid, nt, traceT, mT);
}

template <class T>
__global__ void neuron_backward_kernel(NeuronDims d, NeuronInputs<T> in, NeuronSaved<T> sv, NeuronUpstream<T> up,
                                       NeuronRouteCsr csr, NeuronBwdScratch<T> sc, NeuronGrads<T> g) {
  T* shared = shared_ptr_of<T>();
  const index_t b = blockIdx.x;
  const int tid = threadIdx.x, nt = blockDim.x;
  const int phases = neuron_bwd_phases(d);
  neuron_bwd_init<T>(d, up, sc, b, tid, nt, shared);
  __syncthreads();
  for (index_t t = d.T - 1; t >= 0; --t) {
    for (int p = 0; p < phases; ++p) {
      neuron_bwd_phase<T>(p, d, in, sv, up, csr, sc, g.dx, b, t, tid, nt, shared);
      __syncthreads();
    }
  }
  neuron_bwd_final<T>(d, sc, g, b, tid, nt, shared);
}

template <class T>
__global__ void neuron_reduce_kernel(NeuronDims d, NeuronBwdScratch<T> sc, NeuronGrads<T> g, index_t size) {
  const index_t e = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (e < size) neuron_bwd_reduce_element<T>(d, sc, g, e);
}

// Dynamic shared memory above the 48 KiB default needs an opt-in; past the
// device's limit the call fails with a message naming the sizes.
template <class K>
void reserve_shared(K kernel, size_t bytes, const char* what) {
  if (bytes <= 48 * 1024) return;
  int dev = 0, max_optin = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&max_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev), "cudaDeviceGetAttribute");
  if (bytes > static_cast<size_t>(max_optin)) {
    throw std::runtime_error(std::string(what) + ": needs " + std::to_string(bytes) + " bytes of shared memory per block (d_tree + d_m + 2·d_mlp values), the device allows " +
                             std::to_string(max_optin));
  }
  check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)), "cudaFuncSetAttribute");
}

template <class T>
NeuronInputs<T> upload_inputs(Arena& a, const NeuronDims& d, const NeuronInputs<T>& in) {
  NeuronInputs<T> o;
  const size_t BT = static_cast<size_t>(d.B * d.T);
  o.x = a.upload(in.x, BT * d.dIn);
  o.route = a.upload(in.route, d.dS);
  o.routeMask = a.upload(in.routeMask, d.dS);
  o.wS = a.upload(in.wS, d.dS);
  o.kappaTrace = a.upload(in.kappaTrace, d.dTr());
  o.kappaM = a.upload(in.kappaM, d.dM);
  o.gain = a.upload(in.gain, d.dM);
  for (int l = 0; l <= d.lMlp; ++l) {
    const size_t nIn = l == 0 ? d.nZ() : d.dMlp, nOut = l == d.lMlp ? d.dM : d.dMlp;
    o.mlpW[l] = a.upload(in.mlpW[l], nOut * nIn);
    o.mlpB[l] = a.upload(in.mlpB[l], nOut);
  }
  o.trace0 = a.upload(in.trace0, static_cast<size_t>(d.B) * d.dTr());
  o.m0 = a.upload(in.m0, static_cast<size_t>(d.B) * d.dM);
  return o;
}

struct SavedSizes {
  size_t trace, z, h, m;
};
inline SavedSizes saved_sizes(const NeuronDims& d) {
  const size_t BT = static_cast<size_t>(d.B * d.T);
  return {BT * d.dTr(), BT * d.nZ(), BT * d.nH(), BT * d.dM};
}

}  // namespace

template <class T>
void elm_neuron_forward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, T* traceT, T* mT) {
  Arena a;
  const NeuronInputs<T> din = upload_inputs(a, d, in);
  index_t off[kMaxMlpLayers] = {};
  const std::vector<T> wt_host = transpose_mlp_weights(d, in, off);
  const T* wt_dev = a.upload(wt_host.data(), wt_host.size());
  MlpWeightsT<T> wt;
  for (int l = 0; l <= d.lMlp; ++l) wt.w[l] = wt_dev + off[l];
  const SavedSizes n = saved_sizes(d);
  NeuronSaved<T> ds{a.alloc<T>(n.trace), a.alloc<T>(n.z), a.alloc<T>(n.h), a.alloc<T>(n.h), a.alloc<T>(n.m), a.alloc<T>(n.m)};
  T* dTraceT = a.alloc<T>(static_cast<size_t>(d.B) * d.dTr());
  T* dMT = a.alloc<T>(static_cast<size_t>(d.B) * d.dM);
  const size_t smem = sizeof(T) * neuron_fwd_shared_elems(d);
  reserve_shared(neuron_forward_kernel<T>, smem, "elmNeuronForward (cuda)");
  neuron_forward_kernel<T><<<static_cast<unsigned>(d.B), kThreads, smem>>>(d, din, wt, ds, dTraceT, dMT);
  check(cudaGetLastError(), "neuron_forward_kernel launch");
  check(cudaDeviceSynchronize(), "neuron_forward_kernel");
  download(sv.trace, ds.trace, n.trace);
  download(sv.z, ds.z, n.z);
  download(sv.pre, ds.pre, n.h);
  download(sv.post, ds.post, n.h);
  download(sv.deltaM, ds.deltaM, n.m);
  download(sv.m, ds.m, n.m);
  download(traceT, dTraceT, static_cast<size_t>(d.B) * d.dTr());
  download(mT, dMT, static_cast<size_t>(d.B) * d.dM);
}

template <class T>
void elm_neuron_backward(const NeuronDims& d, const NeuronInputs<T>& in, const NeuronSaved<T>& sv, const T* dM,
                         const T* dTraceT, const T* dMT, const NeuronGrads<T>& g) {
  Arena a;
  const NeuronInputs<T> din = upload_inputs(a, d, in);
  const SavedSizes n = saved_sizes(d);
  NeuronSaved<T> ds{a.upload(sv.trace, n.trace), a.upload(sv.z, n.z), a.upload(sv.pre, n.h),
                    a.upload(sv.post, n.h), a.upload(sv.deltaM, n.m), a.upload(sv.m, n.m)};
  NeuronUpstream<T> up{a.upload(dM, n.m), a.upload(dTraceT, static_cast<size_t>(d.B) * d.dTr()),
                       a.upload(dMT, static_cast<size_t>(d.B) * d.dM)};
  std::vector<int> ptr(d.dIn + 1), syn(d.dS);
  neuron_route_csr(d, in.route, ptr.data(), syn.data());
  NeuronRouteCsr csr{a.upload(ptr.data(), ptr.size()), a.upload(syn.data(), syn.size())};
  const NeuronPartialLayout lay = neuron_partial_layout(d);
  NeuronBwdScratch<T> sc{a.zeros<T>(static_cast<size_t>(d.B * lay.size)), a.alloc<T>(static_cast<size_t>(d.B) * d.dTr()),
                         a.alloc<T>(static_cast<size_t>(d.B) * d.dS)};
  const size_t BT = static_cast<size_t>(d.B * d.T);
  NeuronGrads<T> dg;
  dg.dx = a.alloc<T>(BT * d.dIn);
  dg.dWS = a.alloc<T>(d.dS);
  dg.dKappaTrace = a.alloc<T>(d.dTr());
  dg.dKappaM = a.alloc<T>(d.dM);
  dg.dGain = a.alloc<T>(d.dM);
  for (int l = 0; l <= d.lMlp; ++l) {
    const size_t nIn = l == 0 ? d.nZ() : d.dMlp, nOut = l == d.lMlp ? d.dM : d.dMlp;
    dg.dMlpW[l] = a.alloc<T>(nOut * nIn);
    dg.dMlpB[l] = a.alloc<T>(nOut);
  }
  dg.dTrace0 = a.alloc<T>(static_cast<size_t>(d.B) * d.dTr());
  dg.dM0 = a.alloc<T>(static_cast<size_t>(d.B) * d.dM);
  const size_t smem = sizeof(T) * neuron_bwd_shared_elems(d);
  reserve_shared(neuron_backward_kernel<T>, smem, "elmNeuronBackward (cuda)");
  neuron_backward_kernel<T><<<static_cast<unsigned>(d.B), kThreads, smem>>>(d, din, ds, up, csr, sc, dg);
  check(cudaGetLastError(), "neuron_backward_kernel launch");
  const unsigned blocks = static_cast<unsigned>((lay.size + kThreads - 1) / kThreads);
  neuron_reduce_kernel<T><<<blocks, kThreads>>>(d, sc, dg, lay.size);
  check(cudaGetLastError(), "neuron_reduce_kernel launch");
  check(cudaDeviceSynchronize(), "neuron_backward_kernel");
  download(g.dx, dg.dx, BT * d.dIn);
  download(g.dWS, dg.dWS, d.dS);
  download(g.dKappaTrace, dg.dKappaTrace, d.dTr());
  download(g.dKappaM, dg.dKappaM, d.dM);
  download(g.dGain, dg.dGain, d.dM);
  for (int l = 0; l <= d.lMlp; ++l) {
    const size_t nIn = l == 0 ? d.nZ() : d.dMlp, nOut = l == d.lMlp ? d.dM : d.dMlp;
    download(g.dMlpW[l], dg.dMlpW[l], nOut * nIn);
    download(g.dMlpB[l], dg.dMlpB[l], nOut);
  }
  download(g.dTrace0, dg.dTrace0, static_cast<size_t>(d.B) * d.dTr());
  download(g.dM0, dg.dM0, static_cast<size_t>(d.B) * d.dM);
}

template void elm_neuron_forward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, float*, float*);
template void elm_neuron_forward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, double*, double*);
template void elm_neuron_backward<float>(const NeuronDims&, const NeuronInputs<float>&, const NeuronSaved<float>&, const float*,
                                         const float*, const float*, const NeuronGrads<float>&);
template void elm_neuron_backward<double>(const NeuronDims&, const NeuronInputs<double>&, const NeuronSaved<double>&, const double*,
                                          const double*, const double*, const NeuronGrads<double>&);

}  // namespace elm::cuda
