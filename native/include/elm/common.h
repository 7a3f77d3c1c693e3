// Shared by the CPU and CUDA builds: the math of one element or one time step
// is written once, as host+device inline functions.
#pragma once

#if defined(__CUDACC__)
#define ELM_HD __host__ __device__ __forceinline__
#else
#define ELM_HD inline
#endif

#include <cstdint>

namespace elm {
using index_t = std::int64_t;
}  // namespace elm
