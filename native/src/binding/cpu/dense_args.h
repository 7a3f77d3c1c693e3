// Argument helpers shared by the dense_* bindings (booleans, shape/stride/offset lists).
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "binding/common/args.h"

namespace elm::binding::dense {

inline bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsBoolean()) {
    type_error(info.Env(), fn, std::string("argument '") + name + "' must be a boolean, got " +
                                   (i < info.Length() ? describe(info[i]) : "nothing"));
  }
  return info[i].As<Napi::Boolean>().Value();
}

// A Float64Array of integers (offsets, shapes, strides) as int64; each must be an integer ≥ min_value.
inline std::vector<std::int64_t> int_list_arg(const Napi::CallbackInfo& info, size_t i, const char* fn,
                                              const char* name, std::int64_t expected_len = -1,
                                              std::int64_t min_value = 0) {
  auto s = typed_arg<double>(info, i, fn, name, expected_len);
  std::vector<std::int64_t> out(static_cast<std::size_t>(s.size));
  for (std::int64_t j = 0; j < s.size; ++j) {
    const double v = s.data[j];
    if (!(std::floor(v) == v) || v < double(min_value) || v > 9.007199254740992e15) {
      range_error(info.Env(), fn, std::string("argument '") + name + "'[" + std::to_string(j) +
                                      "] must be an integer ≥ " + std::to_string(min_value) + ", got " +
                                      js_number(v));
    }
    out[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(v);
  }
  return out;
}

// denseMatmul(a, b, c, batch, m, n, k, offA, offB, transA, transB[, accumulate]) — checked.
template <class T>
struct MatmulArgs {
  Span<T> a, b, c;
  std::int64_t batch, m, n, k;
  std::vector<std::int64_t> off_a, off_b;
  bool trans_a, trans_b;
};

template <class T>
MatmulArgs<T> parse_matmul(const Napi::CallbackInfo& info, const char* fn) {
  MatmulArgs<T> r;
  r.a = typed_arg<T>(info, 0, fn, "a");
  r.b = typed_arg<T>(info, 1, fn, "b");
  r.batch = int_arg(info, 3, fn, "batch");
  r.m = int_arg(info, 4, fn, "m");
  r.n = int_arg(info, 5, fn, "n");
  r.k = int_arg(info, 6, fn, "k");
  r.c = typed_arg<T>(info, 2, fn, "c", r.batch * r.m * r.n);
  r.off_a = int_list_arg(info, 7, fn, "offA", r.batch);
  r.off_b = int_list_arg(info, 8, fn, "offB", r.batch);
  r.trans_a = bool_arg(info, 9, fn, "transA");
  r.trans_b = bool_arg(info, 10, fn, "transB");
  for (std::int64_t t = 0; t < r.batch; ++t) {
    if (r.off_a[t] + r.m * r.k > r.a.size)
      range_error(info.Env(), fn, "offA[" + std::to_string(t) + "] = " + std::to_string(r.off_a[t]) + " + m·k = " +
                                      std::to_string(r.m * r.k) + " exceeds a's length " + std::to_string(r.a.size));
    if (r.off_b[t] + r.k * r.n > r.b.size)
      range_error(info.Env(), fn, "offB[" + std::to_string(t) + "] = " + std::to_string(r.off_b[t]) + " + k·n = " +
                                      std::to_string(r.k * r.n) + " exceeds b's length " + std::to_string(r.b.size));
  }
  return r;
}

// op code in [0, count) at argument 0
inline int op_arg(const Napi::CallbackInfo& info, const char* fn, int count) {
  const std::int64_t op = int_arg(info, 0, fn, "op");
  if (op >= count) range_error(info.Env(), fn, "op code " + std::to_string(op) + " is not below " + std::to_string(count));
  return static_cast<int>(op);
}

// denseBinary(op, shape, a, sa, b, sb, out) — checked (every strided read stays inside its operand).
template <class T>
struct BinaryArgs {
  int op;
  std::vector<std::int64_t> shape, sa, sb;
  Span<T> a, b, out;
};

template <class T>
BinaryArgs<T> parse_binary(const Napi::CallbackInfo& info, const char* fn, int op_count) {
  BinaryArgs<T> r;
  r.op = op_arg(info, fn, op_count);
  r.shape = int_list_arg(info, 1, fn, "shape");
  const auto nd = static_cast<std::int64_t>(r.shape.size());
  if (nd > 8) range_error(info.Env(), fn, "at most 8 axes, got " + std::to_string(nd));
  r.a = typed_arg<T>(info, 2, fn, "a");
  r.sa = int_list_arg(info, 3, fn, "sa", nd);
  r.b = typed_arg<T>(info, 4, fn, "b");
  r.sb = int_list_arg(info, 5, fn, "sb", nd);
  std::int64_t size = 1, last_a = 0, last_b = 0;
  for (std::int64_t d = 0; d < nd; ++d) {
    size *= r.shape[d];
    if (r.shape[d] > 0) {
      last_a += (r.shape[d] - 1) * r.sa[d];
      last_b += (r.shape[d] - 1) * r.sb[d];
    }
  }
  r.out = typed_arg<T>(info, 6, fn, "out", size);
  if (size > 0 && (last_a >= r.a.size || last_b >= r.b.size))
    range_error(info.Env(), fn, "strides reach past an operand: a needs " + std::to_string(last_a + 1) + " of " +
                                    std::to_string(r.a.size) + ", b needs " + std::to_string(last_b + 1) + " of " +
                                    std::to_string(r.b.size));
  return r;
}

}  // namespace elm::binding::dense
