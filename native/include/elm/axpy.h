// y ← a·x + y, one element. The smallest kernel that proves the CPU and CUDA
// paths end to end; the CPU loop and the CUDA thread both call this body.
#pragma once
#include "elm/common.h"

namespace elm {

template <class T>
ELM_HD void axpy_element(index_t i, T a, const T* x, T* y) {
  y[i] = a * x[i] + y[i];
}

}  // namespace elm
