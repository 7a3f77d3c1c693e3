// ELM Network (ELM_SPEC §4) on the CPU: elmNetworkForward / elmNetworkBackward
// (sync), their *Async variants (Promise; the work runs off the JS thread), the
// CUDA thread bodies run on the host (elmNetwork*CudaBodies, for tests), and
// elmNetworkSavedLength(shape). Arguments: see elm_network_args.h.
#include <memory>

#include "binding/common/registry.h"
#include "binding/cpu/elm_network_args.h"
#include "cpu/elm_network.h"
#include "cpu/float_mode.h"

namespace {

using namespace elm::binding::network;

enum class Path { cpu, cudaBodies };

template <class T>
void forward(ForwardCall<T>& c, Path path) {
  if (path == Path::cpu) {
    elm::cpu::FlushDenormals ftz;  // the host thread bodies keep IEEE subnormals, as CUDA does by default
    elm::cpu::elm_network_forward<T>(c.d, c.p, c.y, c.bT, c.mT, c.yT, c.saved);
  }
  else elm::cpu::elm_network_forward_cuda_bodies<T>(c.d, c.p, c.y, c.bT, c.mT, c.yT, c.saved);
}

template <class T>
void backward(BackwardCall<T>& c, Path path) {
  if (path == Path::cpu) {
    elm::cpu::FlushDenormals ftz;
    elm::cpu::elm_network_backward<T>(c.d, c.p, c.saved, c.y, c.dY, c.dBT, c.dMT, c.dYT, c.out);
  }
  else elm::cpu::elm_network_backward_cuda_bodies<T>(c.d, c.p, c.saved, c.y, c.dY, c.dBT, c.dMT, c.dYT, c.out);
}

template <class T>
Napi::Value run_forward(const Napi::CallbackInfo& info, const char* fn, Path path, bool async) {
  auto c = std::make_shared<ForwardCall<T>>(parse_forward<T>(info, fn));
  if (!async) {
    try {
      forward(*c, path);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), std::string(fn) + ": " + e.what());
    }
    return info.Env().Undefined();
  }
  auto refs = std::move(c->refs);
  auto* w = new PromiseWorker(info.Env(), fn, [c, path] { forward(*c, path); }, std::move(refs));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

template <class T>
Napi::Value run_backward(const Napi::CallbackInfo& info, const char* fn, Path path, bool async) {
  // dx = null (skip dL/dx) on the CPU kernel only; the CUDA thread bodies store it
  auto c = std::make_shared<BackwardCall<T>>(parse_backward<T>(info, fn, /*dxNullable=*/path == Path::cpu));
  if (!async) {
    try {
      backward(*c, path);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), std::string(fn) + ": " + e.what());
    }
    return info.Env().Undefined();
  }
  auto refs = std::move(c->refs);
  auto* w = new PromiseWorker(info.Env(), fn, [c, path] { backward(*c, path); }, std::move(refs));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

template <Path path, bool async>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  const char* fn = path == Path::cpu ? (async ? "elmNetworkForwardAsync" : "elmNetworkForward") : "elmNetworkForwardCudaBodies";
  if (elm::binding::is_float64(info, 1, fn, "x")) return run_forward<double>(info, fn, path, async);
  return run_forward<float>(info, fn, path, async);
}

template <Path path, bool async>
Napi::Value Backward(const Napi::CallbackInfo& info) {
  const char* fn = path == Path::cpu ? (async ? "elmNetworkBackwardAsync" : "elmNetworkBackward") : "elmNetworkBackwardCudaBodies";
  if (elm::binding::is_float64(info, 1, fn, "x")) return run_backward<double>(info, fn, path, async);
  return run_backward<float>(info, fn, path, async);
}

Napi::Value SavedLength(const Napi::CallbackInfo& info) {
  const elm::NetworkDims d = parse_dims(info, "elmNetworkSavedLength");
  return Napi::Number::New(info.Env(), static_cast<double>(d.savedLength()));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("elmNetworkForward", Napi::Function::New(env, Forward<Path::cpu, false>, "elmNetworkForward"));
  exports.Set("elmNetworkForwardAsync", Napi::Function::New(env, Forward<Path::cpu, true>, "elmNetworkForwardAsync"));
  exports.Set("elmNetworkBackward", Napi::Function::New(env, Backward<Path::cpu, false>, "elmNetworkBackward"));
  exports.Set("elmNetworkBackwardAsync", Napi::Function::New(env, Backward<Path::cpu, true>, "elmNetworkBackwardAsync"));
  exports.Set("elmNetworkForwardCudaBodies",
              Napi::Function::New(env, Forward<Path::cudaBodies, false>, "elmNetworkForwardCudaBodies"));
  exports.Set("elmNetworkBackwardCudaBodies",
              Napi::Function::New(env, Backward<Path::cudaBodies, false>, "elmNetworkBackwardCudaBodies"));
  exports.Set("elmNetworkSavedLength", Napi::Function::New(env, SavedLength, "elmNetworkSavedLength"));
}

}  // namespace

ELM_REGISTER_BINDING(elm_network, Init);
