// CUDA kernels for @elm/core's dense ops. Each thread computes one output element by
// calling the shared body in elm/dense_body.h / elm/dense_math.h (also run on the host
// in tests). Tensors are host-backed, so each call copies its operands to the device.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "cuda/dense_kernels.h"
#include "cuda/runtime.h"
#include "elm/dense_body.h"

namespace elm::cuda {
namespace {

// Device memory freed on scope exit (also when a later CUDA call throws).
template <class T>
struct DeviceArray {
  T* p = nullptr;
  explicit DeviceArray(std::int64_t n, const char* what) {
    if (n > 0) check(cudaMalloc(&p, sizeof(T) * static_cast<size_t>(n)), what);
  }
  ~DeviceArray() {
    if (p) cudaFree(p);
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  void upload(const T* h, std::int64_t n, const char* what) {
    if (n > 0) check(cudaMemcpy(p, h, sizeof(T) * static_cast<size_t>(n), cudaMemcpyHostToDevice), what);
  }
  void download(T* h, std::int64_t n, const char* what) const {
    if (n > 0) check(cudaMemcpy(h, p, sizeof(T) * static_cast<size_t>(n), cudaMemcpyDeviceToHost), what);
  }
};

// grid: x over n (columns, coalesced), y over m, z over the batch
template <class T>
__global__ void matmul_kernel(index_t m, index_t n, index_t k, const T* a, const index_t* off_a, index_t rsA,
                              index_t csA, const T* b, const index_t* off_b, index_t rsB, index_t csB, T* c) {
  const index_t j = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const index_t i = static_cast<index_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  const index_t t = blockIdx.z;
  if (i < m && j < n) c[(t * m + i) * n + j] = dense::gemm_element<T>(i, j, k, a + off_a[t], rsA, csA, b + off_b[t], rsB, csB);
}

template <class T>
__global__ void unary_kernel(int op, index_t n, const T* x, T* y) {
  const index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) y[i] = dense::unary<T>(static_cast<dense::Unary>(op), x[i]);
}

struct Strides {
  index_t shape[8], sa[8], sb[8];
};

template <class T>
__global__ void binary_kernel(int op, index_t n, int ndim, Strides s, const T* a, const T* b, T* out) {
  const index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) out[i] = dense::binary_element<T>(static_cast<dense::Binary>(op), i, ndim, s.shape, a, s.sa, b, s.sb);
}

unsigned blocks_for(std::int64_t n, int threads) { return static_cast<unsigned>((n + threads - 1) / threads); }

}  // namespace

template <class T>
void dense_matmul_host(std::int64_t batch, std::int64_t m, std::int64_t n, std::int64_t k, const T* a,
                       std::int64_t a_len, const std::int64_t* off_a, bool trans_a, const T* b, std::int64_t b_len,
                       const std::int64_t* off_b, bool trans_b, T* c) {
  if (batch == 0 || m == 0 || n == 0) return;
  if (batch > 65535) throw std::runtime_error("dense matmul (cuda): batch " + std::to_string(batch) + " exceeds 65535");
  DeviceArray<T> da(a_len, "cudaMalloc(a)"), db(b_len, "cudaMalloc(b)"), dc(batch * m * n, "cudaMalloc(c)");
  DeviceArray<index_t> doa(batch, "cudaMalloc(offA)"), dob(batch, "cudaMalloc(offB)");
  da.upload(a, a_len, "cudaMemcpy(a)");
  db.upload(b, b_len, "cudaMemcpy(b)");
  doa.upload(off_a, batch, "cudaMemcpy(offA)");
  dob.upload(off_b, batch, "cudaMemcpy(offB)");
  const dim3 threads(32, 8);
  const dim3 grid(blocks_for(n, 32), blocks_for(m, 8), static_cast<unsigned>(batch));
  matmul_kernel<T><<<grid, threads>>>(m, n, k, da.p, doa.p, trans_a ? 1 : k, trans_a ? m : 1, db.p, dob.p,
                                      trans_b ? 1 : n, trans_b ? k : 1, dc.p);
  check(cudaGetLastError(), "dense matmul kernel launch");
  dc.download(c, batch * m * n, "cudaMemcpy(c back)");
}

template <class T>
void dense_unary_host(int op, std::int64_t n, const T* x, T* y) {
  if (n == 0) return;
  DeviceArray<T> dx(n, "cudaMalloc(x)"), dy(n, "cudaMalloc(y)");
  dx.upload(x, n, "cudaMemcpy(x)");
  unary_kernel<T><<<blocks_for(n, 256), 256>>>(op, n, dx.p, dy.p);
  check(cudaGetLastError(), "dense unary kernel launch");
  dy.download(y, n, "cudaMemcpy(y back)");
}

template <class T>
void dense_binary_host(int op, int ndim, const std::int64_t* shape, const T* a, std::int64_t a_len,
                       const std::int64_t* sa, const T* b, std::int64_t b_len, const std::int64_t* sb, T* out,
                       std::int64_t out_len) {
  if (out_len == 0) return;
  if (ndim > 8) throw std::runtime_error("dense binary (cuda): at most 8 axes");
  Strides s{};
  for (int d = 0; d < ndim; ++d) {
    s.shape[d] = shape[d];
    s.sa[d] = sa[d];
    s.sb[d] = sb[d];
  }
  DeviceArray<T> da(a_len, "cudaMalloc(a)"), db(b_len, "cudaMalloc(b)"), dout(out_len, "cudaMalloc(out)");
  da.upload(a, a_len, "cudaMemcpy(a)");
  db.upload(b, b_len, "cudaMemcpy(b)");
  binary_kernel<T><<<blocks_for(out_len, 256), 256>>>(op, out_len, ndim, s, da.p, db.p, dout.p);
  check(cudaGetLastError(), "dense binary kernel launch");
  dout.download(out, out_len, "cudaMemcpy(out back)");
}

#define ELM_DENSE_CUDA_INST(T)                                                                                  \
  template void dense_matmul_host<T>(std::int64_t, std::int64_t, std::int64_t, std::int64_t, const T*,          \
                                     std::int64_t, const std::int64_t*, bool, const T*, std::int64_t,           \
                                     const std::int64_t*, bool, T*);                                            \
  template void dense_unary_host<T>(int, std::int64_t, const T*, T*);                                           \
  template void dense_binary_host<T>(int, int, const std::int64_t*, const T*, std::int64_t, const std::int64_t*, \
                                     const T*, std::int64_t, const std::int64_t*, T*, std::int64_t);
ELM_DENSE_CUDA_INST(float)
ELM_DENSE_CUDA_INST(double)

}  // namespace elm::cuda
