// axpy(a, x, y) on the GPU: y ← a·x + y in place (host typed arrays in and out).
#include <stdexcept>

#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cuda/axpy.h"

namespace {

template <class T>
void run(const Napi::CallbackInfo& info) {
  double a = elm::binding::number_arg(info, 0, "axpy", "a");
  auto x = elm::binding::typed_arg<T>(info, 1, "axpy", "x");
  auto y = elm::binding::typed_arg<T>(info, 2, "axpy", "y", x.size);
  try {
    elm::cuda::axpy_host<T>(x.size, static_cast<T>(a), x.data, y.data);
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), std::string("axpy (cuda): ") + e.what());
  }
}

Napi::Value Axpy(const Napi::CallbackInfo& info) {
  if (elm::binding::is_float64(info, 1, "axpy", "x")) run<double>(info);
  else run<float>(info);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("axpy", Napi::Function::New(env, Axpy, "axpy"));
}

}  // namespace

ELM_REGISTER_BINDING(cuda_axpy, Init);
