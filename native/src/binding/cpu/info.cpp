// buildInfo(), numThreads(), setNumThreads(n): what this addon was built with.
#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cpu/parallel.h"

namespace {

Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto o = Napi::Object::New(env);
#if defined(__clang__)
  o.Set("compiler", Napi::String::New(env, std::string("clang ") + __clang_version__));
#elif defined(__GNUC__)
  o.Set("compiler", Napi::String::New(env, std::string("gcc ") + __VERSION__));
#else
  o.Set("compiler", Napi::String::New(env, "unknown"));
#endif
#if defined(__AVX512F__)
  o.Set("simd", Napi::String::New(env, "avx512"));
#elif defined(__AVX2__)
  o.Set("simd", Napi::String::New(env, "avx2"));
#elif defined(__SSE4_2__)
  o.Set("simd", Napi::String::New(env, "sse4.2"));
#else
  o.Set("simd", Napi::String::New(env, "baseline"));
#endif
  o.Set("threads", Napi::Number::New(env, elm::cpu::num_threads()));
  o.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return o;
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), elm::cpu::num_threads());
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  auto n = elm::binding::int_arg(info, 0, "setNumThreads", "n", 1);
  if (n > 256) elm::binding::range_error(info.Env(), "setNumThreads", "n must be ≤ 256, got " + std::to_string(n));
  elm::cpu::set_num_threads(static_cast<int>(n));
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo, "buildInfo"));
  exports.Set("numThreads", Napi::Function::New(env, NumThreads, "numThreads"));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
}

}  // namespace

ELM_REGISTER_BINDING(info, Init);
