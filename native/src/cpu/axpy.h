#pragma once
#include <cstdint>

namespace elm::cpu {
// y ← a·x + y over n elements, threaded.
template <class T>
void axpy(std::int64_t n, T a, const T* x, T* y);
}  // namespace elm::cpu
