// axpy(a, x, y): y ← a·x + y in place (Float32Array or Float64Array, same length).
#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cpu/axpy.h"

namespace {

template <class T>
void run(const Napi::CallbackInfo& info) {
  double a = elm::binding::number_arg(info, 0, "axpy", "a");
  auto x = elm::binding::typed_arg<T>(info, 1, "axpy", "x");
  auto y = elm::binding::typed_arg<T>(info, 2, "axpy", "y", x.size);
  elm::cpu::axpy<T>(x.size, static_cast<T>(a), x.data, y.data);
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

ELM_REGISTER_BINDING(axpy, Init);
