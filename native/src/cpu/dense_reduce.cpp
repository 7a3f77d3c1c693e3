#include "cpu/dense_reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu/parallel.h"

namespace elm::cpu {
namespace {
constexpr std::int64_t kWork = 1 << 14;  // elements per parallel chunk, roughly
inline std::int64_t grain_for(std::int64_t per_item) {
  return std::max<std::int64_t>(1, kWork / std::max<std::int64_t>(1, per_item));
}
}  // namespace

template <class T>
void dense_sum_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out) {
  if (inner == 1) {
    parallel_for(outer, grain_for(n), [&](std::int64_t o0, std::int64_t o1) {
      for (std::int64_t o = o0; o < o1; ++o) {
        const T* p = x + o * n;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        std::int64_t i = 0;
        for (; i + 4 <= n; i += 4) {
          s0 += p[i];
          s1 += p[i + 1];
          s2 += p[i + 2];
          s3 += p[i + 3];
        }
        for (; i < n; ++i) s0 += p[i];
        out[o] = static_cast<T>((s0 + s1) + (s2 + s3));
      }
    });
    return;
  }
  parallel_for(outer, grain_for(n * inner), [&](std::int64_t o0, std::int64_t o1) {
    std::vector<double> acc(static_cast<std::size_t>(inner));
    for (std::int64_t o = o0; o < o1; ++o) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (std::int64_t i = 0; i < n; ++i) {
        const T* p = x + (o * n + i) * inner;
        for (std::int64_t c = 0; c < inner; ++c) acc[c] += p[c];
      }
      for (std::int64_t c = 0; c < inner; ++c) out[o * inner + c] = static_cast<T>(acc[c]);
    }
  });
}

template <class T>
void dense_max_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out) {
  parallel_for(outer, grain_for(n * inner), [&](std::int64_t o0, std::int64_t o1) {
    for (std::int64_t o = o0; o < o1; ++o) {
      T* po = out + o * inner;
      std::fill(po, po + inner, -std::numeric_limits<T>::infinity());
      for (std::int64_t i = 0; i < n; ++i) {
        const T* p = x + (o * n + i) * inner;
        for (std::int64_t c = 0; c < inner; ++c)
          if (p[c] > po[c] || std::isnan(p[c])) po[c] = p[c];
      }
    }
  });
}

template <class T>
void dense_softmax_axis(std::int64_t outer, std::int64_t n, std::int64_t inner, const T* x, T* out, bool log) {
  parallel_for(outer * inner, grain_for(n), [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      const std::int64_t o = r / inner, c = r % inner;
      const T* p = x + o * n * inner + c;
      T* q = out + o * n * inner + c;
      T mx = -std::numeric_limits<T>::infinity();
      for (std::int64_t i = 0; i < n; ++i) mx = std::max(mx, p[i * inner]);
      double s = 0;
      for (std::int64_t i = 0; i < n; ++i) s += std::exp(static_cast<double>(p[i * inner] - mx));
      if (log) {
        const double lse = double(mx) + std::log(s);
        for (std::int64_t i = 0; i < n; ++i) q[i * inner] = static_cast<T>(double(p[i * inner]) - lse);
      } else {
        const double inv = 1.0 / s;
        for (std::int64_t i = 0; i < n; ++i) q[i * inner] = static_cast<T>(std::exp(double(p[i * inner] - mx)) * inv);
      }
    }
  });
}

template <class T>
void dense_cross_entropy_rows(std::int64_t rows, std::int64_t C, const T* z, const std::int32_t* t, T* loss) {
  parallel_for(rows, grain_for(C), [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      const T* p = z + r * C;
      T mx = -std::numeric_limits<T>::infinity();
      for (std::int64_t c = 0; c < C; ++c) mx = std::max(mx, p[c]);
      double s = 0;
      for (std::int64_t c = 0; c < C; ++c) s += std::exp(double(p[c] - mx));
      loss[r] = static_cast<T>(double(mx) + std::log(s) - double(p[t[r]]));
    }
  });
}

template <class T>
void dense_cross_entropy_rows_grad(std::int64_t rows, std::int64_t C, const T* z, const std::int32_t* t,
                                   const T* g, T* dz) {
  parallel_for(rows, grain_for(C), [&](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      const T* p = z + r * C;
      T* q = dz + r * C;
      T mx = -std::numeric_limits<T>::infinity();
      for (std::int64_t c = 0; c < C; ++c) mx = std::max(mx, p[c]);
      double s = 0;
      for (std::int64_t c = 0; c < C; ++c) s += std::exp(double(p[c] - mx));
      const double scale = double(g[r]) / s;
      for (std::int64_t c = 0; c < C; ++c) q[c] = static_cast<T>(std::exp(double(p[c] - mx)) * scale);
      q[t[r]] = static_cast<T>(double(q[t[r]]) - double(g[r]));
    }
  });
}

#define ELM_DENSE_REDUCE_INST(T)                                                                        \
  template void dense_sum_axis<T>(std::int64_t, std::int64_t, std::int64_t, const T*, T*);              \
  template void dense_max_axis<T>(std::int64_t, std::int64_t, std::int64_t, const T*, T*);              \
  template void dense_softmax_axis<T>(std::int64_t, std::int64_t, std::int64_t, const T*, T*, bool);    \
  template void dense_cross_entropy_rows<T>(std::int64_t, std::int64_t, const T*, const std::int32_t*, T*); \
  template void dense_cross_entropy_rows_grad<T>(std::int64_t, std::int64_t, const T*, const std::int32_t*, \
                                                 const T*, T*);
ELM_DENSE_REDUCE_INST(float)
ELM_DENSE_REDUCE_INST(double)

}  // namespace elm::cpu
