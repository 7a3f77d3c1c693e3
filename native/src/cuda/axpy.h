#pragma once
#include <cstdint>

namespace elm::cuda {
// y ← a·x + y for host arrays: copies to the device, launches, copies back.
template <class T>
void axpy_host(std::int64_t n, T a, const T* x, T* y);
}  // namespace elm::cuda
