// Memory of the kernels' large outputs (y, dL/dx, the saved sequences), recycled
// across calls once JavaScript has dropped them.
//
// A training step returns fresh outputs of megabytes (the ELM Network's y: 2 MB;
// a dL/dx: 22 MB). Memory that large comes from new mappings, so every step's
// first writes fault in new pages; on the development VM a fresh 2 MiB huge page
// cost up to 3.5 ms (the host pages it in as well), as much as 7 % of a network
// step, and a 22 MB dL/dx about a fifth of a with-dL/dx step. These blocks are
// handed to JS as external ArrayBuffers; when the garbage collector frees one,
// its block comes back here (up to a limit in bytes) and serves the next output
// of the same size, its pages still mapped. Blocks for 1 MiB and more are 2 MiB
// aligned and sized in whole 2 MiB pages, with transparent huge pages advised over
// them; smaller ones (gradients of a few hundred KB, which glibc also maps afresh
// each time) are sized in 64 KiB steps.
//
// The limit is ELM_OUTPUT_POOL_MB (MiB; default 1024, 0: nothing is kept), or
// set_limit at run time. A block's contents are whatever it last held: outputs
// are uninitialised, as the kernels write every element.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cpu/huge_pages.h"

namespace elm::cpu {

struct OutputPoolStats {
  std::size_t limitBytes, pooledBytes, pooledBlocks, reused, fresh;
};

class OutputPool {
 public:
  // Capacity of the block that holds `bytes`: whole 2 MiB pages from 1 MiB up,
  // whole 64 KiB below (a block serves requests of its capacity only).
  static std::size_t capacity(std::size_t bytes) {
    const std::size_t unit = bytes >= kHugeFrom ? kHugePage : kSmallUnit;
    return (std::max<std::size_t>(bytes, 1) + unit - 1) / unit * unit;
  }

  // A block of capacity(bytes) (2 MiB aligned from 1 MiB up, 4 KiB below): a pooled
  // one of that capacity, or a new one; nullptr when the system has no memory for it.
  static void* take(std::size_t bytes) {
    const std::size_t cap = capacity(bytes);
    {
      std::lock_guard<std::mutex> lk(state().mutex);
      State& s = state();
      auto it = s.free.find(cap);
      if (it != s.free.end() && !it->second.empty()) {
        void* p = it->second.back();
        it->second.pop_back();
        s.pooledBytes -= cap;
        ++s.reused;
        return p;
      }
      ++s.fresh;
    }
    void* p = std::aligned_alloc(cap >= kHugePage ? kHugePage : kPage, cap);
    if (p != nullptr && cap >= kHugePage) advise_huge_pages(p, cap);
    return p;
  }

  // Gives back a block from take(bytes): kept while the pool stays within its limit.
  static void give(void* p, std::size_t bytes) {
    if (p == nullptr) return;
    const std::size_t cap = capacity(bytes);
    {
      std::lock_guard<std::mutex> lk(state().mutex);
      State& s = state();
      if (s.pooledBytes + cap <= s.limitBytes) {
        s.free[cap].push_back(p);
        s.pooledBytes += cap;
        return;
      }
    }
    std::free(p);
  }

  // A new limit; pooled blocks beyond it are freed (0 frees them all).
  static void set_limit(std::size_t bytes) {
    std::vector<void*> drop;
    {
      std::lock_guard<std::mutex> lk(state().mutex);
      State& s = state();
      s.limitBytes = bytes;
      for (auto& [cap, blocks] : s.free) {
        while (s.pooledBytes > s.limitBytes && !blocks.empty()) {
          drop.push_back(blocks.back());
          blocks.pop_back();
          s.pooledBytes -= cap;
        }
      }
    }
    for (void* p : drop) std::free(p);
  }

  static OutputPoolStats stats() {
    std::lock_guard<std::mutex> lk(state().mutex);
    const State& s = state();
    std::size_t blocks = 0;
    for (const auto& [cap, list] : s.free) blocks += list.size();
    return {s.limitBytes, s.pooledBytes, blocks, s.reused, s.fresh};
  }

 private:
  static constexpr std::size_t kPage = 4096, kSmallUnit = 64 * 1024, kHugeFrom = std::size_t(1) << 20;
  struct State {
    std::mutex mutex;
    std::unordered_map<std::size_t, std::vector<void*>> free;  // by capacity
    std::size_t limitBytes = default_limit(), pooledBytes = 0, reused = 0, fresh = 0;
  };
  // never destroyed: blocks may come back from finalizers while the process exits
  static State& state() {
    static State* s = new State();
    return *s;
  }
  static std::size_t default_limit() {
    constexpr std::size_t kMiB = std::size_t(1) << 20, kDefaultMiB = 1024;
    const char* v = std::getenv("ELM_OUTPUT_POOL_MB");
    if (v == nullptr || *v == '\0') return kDefaultMiB * kMiB;
    char* end = nullptr;
    const unsigned long long mb = std::strtoull(v, &end, 10);
    // not a whole number of MiB: the default (@elm/native warns of such a value at load)
    if (end == v || *end != '\0' || v[0] == '-' || mb > (std::uint64_t(1) << 24)) return kDefaultMiB * kMiB;
    return static_cast<std::size_t>(mb) * kMiB;
  }
};

}  // namespace elm::cpu
