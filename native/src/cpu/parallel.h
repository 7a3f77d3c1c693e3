// A persistent pool of worker threads for the CPU kernels. parallel_for splits
// [0, n) into contiguous chunks, one per thread; the calling thread works too.
#pragma once
#include <cstdint>
#include <functional>

namespace elm::cpu {

// Number of threads the kernels use (ELM_NUM_THREADS, else the hardware count).
int num_threads();
void set_num_threads(int n);

// fn(begin, end) is called on disjoint ranges covering [0, n). Ranges smaller
// than `grain` are not split further. Exceptions in fn are rethrown here.
void parallel_for(std::int64_t n, std::int64_t grain,
                  const std::function<void(std::int64_t, std::int64_t)>& fn);

}  // namespace elm::cpu
