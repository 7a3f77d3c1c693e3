#include "cpu/axpy.h"

#include "cpu/parallel.h"
#include "elm/axpy.h"

namespace elm::cpu {

template <class T>
void axpy(std::int64_t n, T a, const T* x, T* y) {
  parallel_for(n, 1 << 16, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) axpy_element<T>(i, a, x, y);
  });
}

template void axpy<float>(std::int64_t, float, const float*, float*);
template void axpy<double>(std::int64_t, double, const double*, double*);

}  // namespace elm::cpu
