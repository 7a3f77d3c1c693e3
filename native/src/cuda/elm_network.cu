// CUDA ELM Network kernel: see elm_network.h. Launch wrappers only; what each
// thread does is elm/network_cuda_bodies.h (run on the host by the CPU addon's
// elmNetwork*CudaBodies for the tests). Samples (b, i) are threads, b fastest,
// so a warp shares neuron i's weights; every step is one launch (all neurons
// of step t read y_{t−1} of all neurons), backward adds the ∂L/∂z_t gather.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "cuda/elm_network.h"
#include "cuda/runtime.h"
#include "elm/network_cuda_bodies.h"

namespace elm::cuda {
namespace {

// A device buffer freed on scope exit.
template <class U>
struct DeviceBuf {
  U* ptr = nullptr;
  DeviceBuf() = default;
  explicit DeviceBuf(std::int64_t n, const char* what) {
    if (n > 0) check(cudaMalloc(&ptr, sizeof(U) * static_cast<size_t>(n)), what);
  }
  DeviceBuf(const U* host, std::int64_t n, const char* what) : DeviceBuf(n, what) {
    if (n > 0 && host) check(cudaMemcpy(ptr, host, sizeof(U) * static_cast<size_t>(n), cudaMemcpyHostToDevice), what);
  }
  DeviceBuf(const DeviceBuf&) = delete;
  DeviceBuf& operator=(const DeviceBuf&) = delete;
  DeviceBuf(DeviceBuf&& o) noexcept : ptr(o.ptr) { o.ptr = nullptr; }
  DeviceBuf& operator=(DeviceBuf&& o) noexcept {
    std::swap(ptr, o.ptr);
    return *this;
  }
  ~DeviceBuf() {
    if (ptr) cudaFree(ptr);
  }
  void zero(std::int64_t n, const char* what) {
    if (n > 0) check(cudaMemset(ptr, 0, sizeof(U) * static_cast<size_t>(n)), what);
  }
  void download(U* host, std::int64_t n, const char* what) const {
    if (n > 0) check(cudaMemcpy(host, ptr, sizeof(U) * static_cast<size_t>(n), cudaMemcpyDeviceToHost), what);
  }
};

// All the network's inputs on the device.
template <class T>
struct DeviceInputs {
  DeviceBuf<T> x, w, kappaB, kappaM, gain, wY, bY, b0, m0, y0;
  DeviceBuf<std::int32_t> src;
  std::vector<DeviceBuf<T>> mlpW, mlpB;
  NetworkInputs<T> view;

  DeviceInputs(const NetworkDims& d, const NetworkInputs<T>& p) {
    const std::int64_t B = d.B, N = d.N;
    x = DeviceBuf<T>(p.x, B * d.T * d.dIn, "cudaMemcpy(x)");
    src = DeviceBuf<std::int32_t>(p.src, N * d.kc(), "cudaMemcpy(src)");
    w = DeviceBuf<T>(p.w, N * d.kc(), "cudaMemcpy(w)");
    kappaB = DeviceBuf<T>(p.kappaB, N * d.dTree, "cudaMemcpy(kappaB)");
    kappaM = DeviceBuf<T>(p.kappaM, N * d.dM, "cudaMemcpy(kappaM)");
    gain = DeviceBuf<T>(p.gain, N * d.dM, "cudaMemcpy(gain)");
    wY = DeviceBuf<T>(p.wY, N * d.dAxon * d.dM, "cudaMemcpy(wY)");
    bY = DeviceBuf<T>(p.bY, N * d.dAxon, "cudaMemcpy(bY)");
    if (p.b0) b0 = DeviceBuf<T>(p.b0, B * N * d.dTree, "cudaMemcpy(b0)");
    if (p.m0) m0 = DeviceBuf<T>(p.m0, B * N * d.dM, "cudaMemcpy(m0)");
    if (p.y0) y0 = DeviceBuf<T>(p.y0, B * d.dY(), "cudaMemcpy(y0)");
    view.x = x.ptr;
    view.src = src.ptr;
    view.w = w.ptr;
    view.kappaB = kappaB.ptr;
    view.kappaM = kappaM.ptr;
    view.gain = gain.ptr;
    view.wY = wY.ptr;
    view.bY = bY.ptr;
    view.b0 = b0.ptr;
    view.m0 = m0.ptr;
    view.y0 = y0.ptr;
    for (int l = 0; l <= d.lMlp; ++l) {
      mlpW.emplace_back(p.mlpW[l], N * d.layerOut(l) * d.layerIn(l), "cudaMemcpy(mlpW)");
      mlpB.emplace_back(p.mlpB[l], N * d.layerOut(l), "cudaMemcpy(mlpB)");
      view.mlpW[l] = mlpW.back().ptr;
      view.mlpB[l] = mlpB.back().ptr;
    }
  }
};

// Threads per block and where the per-thread scratch lives: shared memory when
// blockDim slices fit in 48 KiB, else a global workspace (one slice per thread).
struct Launch {
  int threads;
  unsigned blocks;
  size_t sharedBytes;
  bool globalScratch;
};

Launch plan(std::int64_t work, std::int64_t scratchElems, size_t elemBytes) {
  Launch l{128, 0, 0, false};
  while (l.threads > 32 && static_cast<size_t>(l.threads) * scratchElems * elemBytes > 48 * 1024) l.threads /= 2;
  l.blocks = static_cast<unsigned>((work + l.threads - 1) / l.threads);
  l.sharedBytes = static_cast<size_t>(l.threads) * scratchElems * elemBytes;
  if (l.sharedBytes > 48 * 1024) {
    l.globalScratch = true;
    l.sharedBytes = 0;
  }
  return l;
}

template <class T>
__device__ T* block_scratch(T* workspace, int scratchElems) {
  extern __shared__ unsigned char smem[];
  if (workspace) return workspace + static_cast<index_t>(blockIdx.x) * blockDim.x * scratchElems;
  return reinterpret_cast<T*>(smem);
}

template <class T>
__global__ void forward_kernel(NetworkDims d, NetworkInputs<T> p, NetworkSaved<T> s, int t, T* workspace) {
  network_forward_body(d, p, s, t, blockIdx.x, threadIdx.x, blockDim.x, block_scratch(workspace, d.forwardScratch()));
}

template <class T>
__global__ void backward_kernel(NetworkDims d, NetworkInputs<T> p, NetworkSaved<T> s, NetworkBackwardBuffers<T> g, int t,
                                T* workspace) {
  network_backward_body(d, p, s, g, t, blockIdx.x, threadIdx.x, blockDim.x,
                        block_scratch(workspace, d.backwardScratch()));
}

template <class T>
__global__ void dz_kernel(NetworkDims d, NetworkInputs<T> p, NetworkBackwardBuffers<T> g, int t) {
  network_dz_body(d, p, g, t, blockIdx.x, threadIdx.x, blockDim.x);
}

template <class T>
__global__ void reduce_slots_kernel(NetworkDims d, T* slots) {
  network_reduce_slots_body(d, slots, blockIdx.x, threadIdx.x, blockDim.x);
}

}  // namespace

template <class T>
void elm_network_forward_cuda(const NetworkDims& d, const NetworkInputs<T>& p, T* y, T* bT, T* mT, T* yT, T* saved) {
  DeviceInputs<T> in(d, p);
  const std::int64_t nY = static_cast<std::int64_t>(d.B) * d.T * d.dY();
  DeviceBuf<T> dSaved(d.savedLength(), "cudaMalloc(saved)"), dYout(nY, "cudaMalloc(y)");
  const NetworkSaved<T> s = network_saved_views(d, dSaved.ptr, dYout.ptr);
  const Launch L = plan(network_samples(d), d.forwardScratch(), sizeof(T));
  DeviceBuf<T> ws(L.globalScratch ? static_cast<std::int64_t>(L.blocks) * L.threads * d.forwardScratch() : 0,
                  "cudaMalloc(scratch)");
  for (int t = 0; t < d.T; ++t) {
    forward_kernel<T><<<L.blocks, L.threads, L.sharedBytes>>>(d, in.view, s, t, ws.ptr);
  }
  check(cudaGetLastError(), "elm_network forward_kernel launch");
  check(cudaDeviceSynchronize(), "elm_network forward");
  dSaved.download(saved, d.savedLength(), "cudaMemcpy(saved back)");
  dYout.download(y, nY, "cudaMemcpy(y back)");
  network_final_states(d, saved, y, bT, mT, yT);
}

template <class T>
void elm_network_backward_cuda(const NetworkDims& d, const NetworkInputs<T>& p, const T* saved, const T* y,
                               const T* dY, const T* dBT, const T* dMT, const T* dYT, const NetworkGradOut<T>& out) {
  DeviceInputs<T> in(d, p);
  const std::int64_t B = d.B, N = d.N;
  const std::int64_t nYseq = B * d.T * d.dY(), nB = B * N * d.dTree, nM = B * N * d.dM, nY = B * d.dY();
  DeviceBuf<T> dSaved(saved, d.savedLength(), "cudaMemcpy(saved)"), dYin(y, nYseq, "cudaMemcpy(y)");
  DeviceBuf<T> dUp(dY, nYseq, "cudaMemcpy(dY)");
  const NetworkSaved<T> s = network_saved_views(d, dSaved.ptr, dYin.ptr);
  DeviceBuf<T> dBc(nB, "cudaMalloc(dBc)"), dMc(nM, "cudaMalloc(dMc)"), dYc(nY, "cudaMalloc(dYc)"),
      dbStep(nB, "cudaMalloc(dbStep)"), dx(B * d.T * d.dIn, "cudaMalloc(dx)");
  auto init = [](DeviceBuf<T>& buf, const T* host, std::int64_t n, const char* what) {
    if (host) check(cudaMemcpy(buf.ptr, host, sizeof(T) * n, cudaMemcpyHostToDevice), what);
    else buf.zero(n, what);
  };
  init(dBc, dBT, nB, "cudaMemcpy(dBT)");
  init(dMc, dMT, nM, "cudaMemcpy(dMT)");
  init(dYc, dYT, nY, "cudaMemcpy(dYT)");
  const std::int64_t slotLen = d.slotLength();
  DeviceBuf<T> slots(B * slotLen, "cudaMalloc(gradient slots)");
  slots.zero(B * slotLen, "cudaMemset(gradient slots)");
  const NetworkReaders rd = network_readers(d, p.src);
  DeviceBuf<std::int32_t> rStart(rd.start.data(), static_cast<std::int64_t>(rd.start.size()), "cudaMemcpy(readers)");
  DeviceBuf<std::int32_t> rIds(rd.readers.data(), static_cast<std::int64_t>(rd.readers.size()), "cudaMemcpy(readers)");
  const NetworkBackwardBuffers<T> g{dUp.ptr, dYc.ptr, dBc.ptr, dMc.ptr, dbStep.ptr, slots.ptr, dx.ptr, rStart.ptr, rIds.ptr};
  const Launch LA = plan(network_samples(d), d.backwardScratch(), sizeof(T));
  DeviceBuf<T> ws(LA.globalScratch ? static_cast<std::int64_t>(LA.blocks) * LA.threads * d.backwardScratch() : 0,
                  "cudaMalloc(scratch)");
  const Launch LZ = plan(B * d.dZ(), 0, sizeof(T));
  for (int t = d.T - 1; t >= 0; --t) {
    backward_kernel<T><<<LA.blocks, LA.threads, LA.sharedBytes>>>(d, in.view, s, g, t, ws.ptr);
    dz_kernel<T><<<LZ.blocks, LZ.threads>>>(d, in.view, g, t);
  }
  const Launch LR = plan(slotLen, 0, sizeof(T));
  reduce_slots_kernel<T><<<LR.blocks, LR.threads>>>(d, slots.ptr);
  check(cudaGetLastError(), "elm_network backward launch");
  check(cudaDeviceSynchronize(), "elm_network backward");
  std::vector<T> slot0(static_cast<size_t>(slotLen));
  slots.download(slot0.data(), slotLen, "cudaMemcpy(gradients back)");
  network_unpack_slot(d, slot0.data(), out);
  dx.download(out.dx, B * d.T * d.dIn, "cudaMemcpy(dx back)");
  dBc.download(out.dB0, nB, "cudaMemcpy(dB0 back)");
  dMc.download(out.dM0, nM, "cudaMemcpy(dM0 back)");
  dYc.download(out.dY0, nY, "cudaMemcpy(dY0 back)");
}

template void elm_network_forward_cuda<float>(const NetworkDims&, const NetworkInputs<float>&, float*, float*, float*,
                                              float*, float*);
template void elm_network_forward_cuda<double>(const NetworkDims&, const NetworkInputs<double>&, double*, double*,
                                               double*, double*, double*);
template void elm_network_backward_cuda<float>(const NetworkDims&, const NetworkInputs<float>&, const float*,
                                               const float*, const float*, const float*, const float*, const float*,
                                               const NetworkGradOut<float>&);
template void elm_network_backward_cuda<double>(const NetworkDims&, const NetworkInputs<double>&, const double*,
                                                const double*, const double*, const double*, const double*,
                                                const double*, const NetworkGradOut<double>&);

}  // namespace elm::cuda
