// cudaStatus(): {available, devices, reason, name, computeCapability, ...}; never throws.
#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cuda/runtime.h"

namespace {

Napi::Value CudaStatus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto s = elm::cuda::status();
  auto o = Napi::Object::New(env);
  o.Set("available", Napi::Boolean::New(env, s.available));
  o.Set("devices", Napi::Number::New(env, s.devices));
  if (!s.available) o.Set("reason", Napi::String::New(env, s.reason));
  if (!s.name.empty()) o.Set("name", Napi::String::New(env, s.name));
  if (s.cc_major) o.Set("computeCapability", Napi::String::New(env, std::to_string(s.cc_major) + "." + std::to_string(s.cc_minor)));
  o.Set("runtimeVersion", Napi::Number::New(env, s.runtime_version));
  o.Set("driverVersion", Napi::Number::New(env, s.driver_version));
  return o;
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("cudaStatus", Napi::Function::New(env, CudaStatus, "cudaStatus"));
}

}  // namespace

ELM_REGISTER_BINDING(cuda_status, Init);
