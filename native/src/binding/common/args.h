// Argument checks for the N-API surface. Every failure throws a JS TypeError or
// RangeError naming the function, the argument and what was expected; the
// bindings own no math.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

namespace elm::binding {

// A number as JavaScript prints it (-1, 0.5, 1e+300, NaN), for error messages:
// std::to_string gives -1.000000, and 0.000000 for 1e-9.
inline std::string js_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == std::floor(v) && std::fabs(v) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  for (int prec = 1; prec <= 17; ++prec) {  // the shortest form that reads back as v
    std::snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  std::string out = buf;  // exponent as JavaScript writes it: 1e-9, not 1e-09
  const std::size_t e = out.find('e');
  if (e != std::string::npos) {
    std::size_t d = e + 2;
    while (d + 1 < out.size() && out[d] == '0') out.erase(d, 1);
  }
  return out;
}

inline std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsNumber()) return "number " + js_number(v.As<Napi::Number>().DoubleValue());
  if (v.IsBoolean()) return "boolean";
  if (v.IsString()) return "string";
  if (v.IsTypedArray()) {
    switch (v.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_float32_array: return "Float32Array";
      case napi_float64_array: return "Float64Array";
      case napi_int32_array: return "Int32Array";
      case napi_uint8_array: return "Uint8Array";
      default: return "another TypedArray";
    }
  }
  if (v.IsArray()) return "Array";
  if (v.IsObject()) return "object";
  return "value";
}

[[noreturn]] inline void type_error(Napi::Env env, const std::string& fn, const std::string& msg) {
  throw Napi::TypeError::New(env, fn + ": " + msg);
}
[[noreturn]] inline void range_error(Napi::Env env, const std::string& fn, const std::string& msg) {
  throw Napi::RangeError::New(env, fn + ": " + msg);
}

template <class T>
constexpr napi_typedarray_type typed_array_kind() {
  if constexpr (std::is_same_v<T, float>) return napi_float32_array;
  else if constexpr (std::is_same_v<T, double>) return napi_float64_array;
  else if constexpr (std::is_same_v<T, std::int32_t>) return napi_int32_array;
  else return napi_uint8_array;
}

template <class T>
constexpr const char* typed_array_name() {
  if constexpr (std::is_same_v<T, float>) return "Float32Array";
  else if constexpr (std::is_same_v<T, double>) return "Float64Array";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "Int32Array";
  else return "Uint8Array";
}

// A typed-array view: pointer and length. Valid while the JS value is alive.
template <class T>
struct Span {
  T* data;
  std::int64_t size;
};

// info[i] must be a T typed array; if expected_len >= 0 its length must match.
template <class T>
Span<T> typed_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                  std::int64_t expected_len = -1) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != typed_array_kind<T>()) {
    type_error(env, fn, std::string("argument '") + name + "' must be a " + typed_array_name<T>() +
                            ", got " + (i < info.Length() ? describe(info[i]) : "nothing"));
  }
  auto arr = info[i].As<Napi::TypedArrayOf<T>>();
  const auto len = static_cast<std::int64_t>(arr.ElementLength());
  if (expected_len >= 0 && len != expected_len) {
    range_error(env, fn, std::string("argument '") + name + "' has length " + std::to_string(len) +
                             ", expected " + std::to_string(expected_len));
  }
  return {arr.Data(), len};
}

inline double number_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsNumber()) {
    type_error(info.Env(), fn, std::string("argument '") + name + "' must be a number, got " +
                                   (i < info.Length() ? describe(info[i]) : "nothing"));
  }
  return info[i].As<Napi::Number>().DoubleValue();
}

// A non-negative integer that fits in int64 exactly.
inline std::int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name,
                            std::int64_t min_value = 0) {
  double v = number_arg(info, i, fn, name);
  if (v != static_cast<double>(static_cast<std::int64_t>(v)) || v < static_cast<double>(min_value)) {
    range_error(info.Env(), fn, std::string("argument '") + name + "' must be an integer ≥ " +
                                    std::to_string(min_value) + ", got " + js_number(v));
  }
  return static_cast<std::int64_t>(v);
}

// Float32Array or Float64Array: which one is it?
inline bool is_float64(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i < info.Length() && info[i].IsTypedArray()) {
    auto t = info[i].As<Napi::TypedArray>().TypedArrayType();
    if (t == napi_float64_array) return true;
    if (t == napi_float32_array) return false;
  }
  type_error(info.Env(), fn, std::string("argument '") + name +
                                 "' must be a Float32Array or Float64Array, got " +
                                 (i < info.Length() ? describe(info[i]) : "nothing"));
}

}  // namespace elm::binding
