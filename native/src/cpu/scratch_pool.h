// Scratch memory of the CPU kernels, recycled across calls.
//
// A kernel call allocates tens of working buffers (row buffers, packed weights,
// per-block gradient slots) and frees them on return. Freed memory of that size
// often goes back to the system (glibc maps large blocks, and trims its arenas),
// so the next call's buffers are fresh pages, and each first touch of a 4 KiB
// page is a page fault. On the development VM these faults cost 5–15 µs each,
// and an ELM Network step took about 500 of them, as much as a tenth of the step. Blocks given
// back here are kept (a process-wide pool, up to kMaxBlocks blocks and kMaxBytes
// bytes) and handed to the next request they fit, so their pages stay mapped.
#pragma once
#include <cstddef>
#include <mutex>
#include <new>
#include <vector>

namespace elm::cpu {

class ScratchPool {
 public:
  // A block of at least `bytes` (64-byte aligned); its capacity in `cap`.
  static void* take(std::size_t bytes, std::size_t& cap) {
    {
      std::lock_guard<std::mutex> lk(mutex());
      std::vector<Block>& p = pool();
      // the smallest block that fits, and not more than twice the request (a small
      // buffer does not take a large block that a large request of this call needs)
      std::size_t best = p.size();
      for (std::size_t i = 0; i < p.size(); ++i)
        if (p[i].cap >= bytes && p[i].cap <= 2 * bytes + kSlack && (best == p.size() || p[i].cap < p[best].cap)) best = i;
      if (best != p.size()) {
        const Block b = p[best];
        p[best] = p.back();
        p.pop_back();
        held() -= b.cap;
        cap = b.cap;
        return b.p;
      }
    }
    cap = bytes;
    return ::operator new(bytes == 0 ? 1 : bytes, std::align_val_t(kAlign));
  }
  // Returns a block from take(); kept when the pool has room, freed otherwise.
  static void give(void* p, std::size_t cap) {
    if (p == nullptr) return;
    {
      std::lock_guard<std::mutex> lk(mutex());
      if (pool().size() < kMaxBlocks && held() + cap <= kMaxBytes) {
        pool().push_back({p, cap});
        held() += cap;
        return;
      }
    }
    ::operator delete(p, std::align_val_t(kAlign));
  }

 private:
  static constexpr std::size_t kAlign = 64;
  static constexpr std::size_t kSlack = 64 * 1024;
  static constexpr std::size_t kMaxBlocks = 256;
  static constexpr std::size_t kMaxBytes = std::size_t(1) << 30;
  struct Block {
    void* p;
    std::size_t cap;
  };
  // (never destroyed: a kernel still running on a worker thread at exit may give back)
  static std::mutex& mutex() {
    static std::mutex* m = new std::mutex;
    return *m;
  }
  static std::vector<Block>& pool() {
    static std::vector<Block>* p = new std::vector<Block>;
    return *p;
  }
  static std::size_t& held() {
    static std::size_t h = 0;
    return h;
  }
};

// std::vector storage from the pool: ScratchVec<T> is a std::vector<T> whose buffer
// is recycled (assign, resize and the constructors still initialise elements).
template <class T>
struct ScratchAllocator {
  using value_type = T;
  ScratchAllocator() = default;
  template <class U>
  ScratchAllocator(const ScratchAllocator<U>&) {}
  T* allocate(std::size_t n) {
    std::size_t cap = 0;
    return static_cast<T*>(ScratchPool::take(n * sizeof(T), cap));
  }
  // (the capacity recorded is the request's: a block taken larger than asked comes
  // back smaller, which only makes it fit fewer later requests)
  void deallocate(T* p, std::size_t n) { ScratchPool::give(p, n * sizeof(T)); }
  template <class U>
  bool operator==(const ScratchAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const ScratchAllocator<U>&) const { return false; }
};
template <class T>
using ScratchVec = std::vector<T, ScratchAllocator<T>>;

// An uninitialised array of n T from the pool (every element is written before it
// is read), returned to it when destroyed.
template <class T>
class ScratchBuffer {
 public:
  explicit ScratchBuffer(std::size_t n) : p_(static_cast<T*>(ScratchPool::take(n * sizeof(T), cap_))) {}
  ~ScratchBuffer() { ScratchPool::give(p_, cap_); }
  ScratchBuffer(const ScratchBuffer&) = delete;
  ScratchBuffer& operator=(const ScratchBuffer&) = delete;
  T* data() { return p_; }
  const T* data() const { return p_; }

 private:
  std::size_t cap_ = 0;
  T* p_;
};

}  // namespace elm::cpu
