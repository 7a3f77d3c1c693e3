// Large kernel outputs (dL/dx, the saved sequences: tens of MB per call) often
// arrive as fresh, untouched memory: Node's allocator hands out new pages for
// them whenever glibc maps a large block instead of reusing its heap. The
// kernel's first write to each 4 KiB page is then a page fault (measured here:
// about 6 µs each on a VM, 36 ms for one 22 MB dL/dx, as long as the rest of
// the backward). Asking for transparent huge pages over the buffer makes that
// one fault per 2 MiB. Only an advice: ignored where THP is off or the memory
// is already paged in; non-Linux builds do nothing.
#pragma once
#include <cstddef>
#include <cstdint>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace elm::cpu {

constexpr std::size_t kHugePage = std::size_t(2) << 20;

// Bytes from p to the first 2 MiB boundary at or after it.
inline std::size_t huge_page_skip(const void* p) {
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
  return static_cast<std::size_t>(((a + kHugePage - 1) & ~(std::uintptr_t(kHugePage) - 1)) - a);
}

inline void advise_huge_pages(const void* p, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = kHugePage;
  const std::uintptr_t a = reinterpret_cast<std::uintptr_t>(p);
  // the 2 MiB pages the buffer overlaps, rounded outward: a large block from malloc
  // starts a few bytes into its own 2 MiB-aligned mapping, so rounding inward would
  // leave its first page out. The advice on the neighbouring bytes is only a hint
  // for memory of this process (contents are untouched); a huge page is used only
  // where a whole aligned 2 MiB lies in one mapping and none of it is paged in yet.
  if (p == nullptr || bytes < kHuge) return;
  const std::uintptr_t lo = a & ~(kHuge - 1), hi = (a + bytes + kHuge - 1) & ~(kHuge - 1);
  (void)madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

}  // namespace elm::cpu
