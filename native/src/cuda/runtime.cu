#include <cuda_runtime.h>

#include <stdexcept>

#include "cuda/runtime.h"

namespace elm::cuda {

Status status() {
  Status s{false, 0, "", "", 0, 0, 0, 0};
  cudaRuntimeGetVersion(&s.runtime_version);
  cudaError_t drv = cudaDriverGetVersion(&s.driver_version);
  if (drv != cudaSuccess || s.driver_version == 0) {
    s.reason = "no CUDA driver found (libcuda.so is not installed or not loadable)";
    return s;
  }
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    s.reason = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(e);
    cudaGetLastError();  // clear the sticky error
    return s;
  }
  if (n == 0) {
    s.reason = "the CUDA driver reports no device";
    return s;
  }
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, 0) == cudaSuccess) {
    s.name = p.name;
    s.cc_major = p.major;
    s.cc_minor = p.minor;
  }
  s.available = true;
  s.devices = n;
  return s;
}

void check(int code, const char* what) {
  auto e = static_cast<cudaError_t>(code);
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

}  // namespace elm::cuda
