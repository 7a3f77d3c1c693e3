// Denormal handling of the fused ELM kernels. Spike inputs and long memory
// timescales make traces and memories decay geometrically between events
// (κ^t, ELM_SPEC §2–§4), so over hundreds of steps many values pass through the
// subnormal range (float32 below 1.2e-38), and on x86 every arithmetic
// operation touching a subnormal takes a microcode assist of ~100 cycles:
// measured, the paper's SHD-Adding ELM (v1, d_m 100) step ran 20× slower in its
// weight-gradient GEMMs. `FlushDenormals` sets FTZ and DAZ (subnormal results
// and operands read as zero) on the calling thread for its scope and restores
// the previous mode after; parallel_for's workers run each job in the mode of
// the thread that called it (parallel.cpp). The JavaScript thread's mode is
// untouched outside a kernel call. Effect on results: terms below ~1e-38
// (float32) or ~2e-308 (float64) count as zero.
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define ELM_HAS_MXCSR 1
#endif

namespace elm::cpu {

#if ELM_HAS_MXCSR
constexpr unsigned kMxcsrFtzDaz = 0x8040u;  // FTZ (bit 15) | DAZ (bit 6)
inline unsigned float_mode() { return _mm_getcsr(); }
inline void set_float_mode(unsigned m) { _mm_setcsr(m); }
#else
constexpr unsigned kMxcsrFtzDaz = 0;
inline unsigned float_mode() { return 0; }
inline void set_float_mode(unsigned) {}
#endif

class FlushDenormals {
 public:
  FlushDenormals() : saved_(float_mode()) { set_float_mode(saved_ | kMxcsrFtzDaz); }
  ~FlushDenormals() { set_float_mode(saved_); }
  FlushDenormals(const FlushDenormals&) = delete;
  FlushDenormals& operator=(const FlushDenormals&) = delete;

 private:
  unsigned saved_;
};

}  // namespace elm::cpu
