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
                                      std::to_string(v));
    }
    out[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(v);
  }
  return out;
}

}  // namespace elm::binding::dense
