#include <cuda_runtime.h>

#include "cuda/axpy.h"
#include "cuda/runtime.h"
#include "elm/axpy.h"

namespace elm::cuda {
namespace {

template <class T>
__global__ void axpy_kernel(index_t n, T a, const T* x, T* y) {
  index_t i = static_cast<index_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) axpy_element<T>(i, a, x, y);
}

}  // namespace

template <class T>
void axpy_host(std::int64_t n, T a, const T* x, T* y) {
  if (n == 0) return;
  T *dx = nullptr, *dy = nullptr;
  const size_t bytes = sizeof(T) * static_cast<size_t>(n);
  check(cudaMalloc(&dx, bytes), "cudaMalloc(x)");
  try {
    check(cudaMalloc(&dy, bytes), "cudaMalloc(y)");
    check(cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(x)");
    check(cudaMemcpy(dy, y, bytes, cudaMemcpyHostToDevice), "cudaMemcpy(y)");
    const int threads = 256;
    const auto blocks = static_cast<unsigned>((n + threads - 1) / threads);
    axpy_kernel<T><<<blocks, threads>>>(n, a, dx, dy);
    check(cudaGetLastError(), "axpy_kernel launch");
    check(cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy(y back)");
  } catch (...) {
    cudaFree(dx);
    cudaFree(dy);
    throw;
  }
  cudaFree(dx);
  cudaFree(dy);
}

template void axpy_host<float>(std::int64_t, float, const float*, float*);
template void axpy_host<double>(std::int64_t, double, const double*, double*);

}  // namespace elm::cuda
