// ELM Network (ELM_SPEC §4) on CUDA: elmNetworkForward / elmNetworkBackward and
// their *Async variants, elmNetworkSavedLength — the interface of the CPU
// binding (arguments: binding/cpu/elm_network_args.h). Owns no math.
#include <memory>
#include <stdexcept>

#include "binding/common/registry.h"
#include "binding/cpu/elm_network_args.h"
#include "cuda/elm_network.h"

namespace {

using namespace elm::binding::network;

template <class T>
Napi::Value run_forward(const Napi::CallbackInfo& info, const char* fn, bool async) {
  auto c = std::make_shared<ForwardCall<T>>(parse_forward<T>(info, fn));
  auto work = [c] { elm::cuda::elm_network_forward_cuda<T>(c->d, c->p, c->y, c->bT, c->mT, c->yT, c->saved); };
  if (!async) {
    try {
      work();
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), std::string(fn) + " (cuda): " + e.what());
    }
    return info.Env().Undefined();
  }
  auto refs = std::move(c->refs);
  auto* w = new PromiseWorker(info.Env(), std::string(fn) + " (cuda)", work, std::move(refs));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

template <class T>
Napi::Value run_backward(const Napi::CallbackInfo& info, const char* fn, bool async) {
  auto c = std::make_shared<BackwardCall<T>>(parse_backward<T>(info, fn));
  auto work = [c] {
    elm::cuda::elm_network_backward_cuda<T>(c->d, c->p, c->saved, c->y, c->dY, c->dBT, c->dMT, c->dYT, c->out);
  };
  if (!async) {
    try {
      work();
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), std::string(fn) + " (cuda): " + e.what());
    }
    return info.Env().Undefined();
  }
  auto refs = std::move(c->refs);
  auto* w = new PromiseWorker(info.Env(), std::string(fn) + " (cuda)", work, std::move(refs));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

template <bool async>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  const char* fn = async ? "elmNetworkForwardAsync" : "elmNetworkForward";
  if (elm::binding::is_float64(info, 1, fn, "x")) return run_forward<double>(info, fn, async);
  return run_forward<float>(info, fn, async);
}

template <bool async>
Napi::Value Backward(const Napi::CallbackInfo& info) {
  const char* fn = async ? "elmNetworkBackwardAsync" : "elmNetworkBackward";
  if (elm::binding::is_float64(info, 1, fn, "x")) return run_backward<double>(info, fn, async);
  return run_backward<float>(info, fn, async);
}

Napi::Value SavedLength(const Napi::CallbackInfo& info) {
  const elm::NetworkDims d = parse_dims(info, "elmNetworkSavedLength");
  return Napi::Number::New(info.Env(), static_cast<double>(d.savedLength()));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("elmNetworkForward", Napi::Function::New(env, Forward<false>, "elmNetworkForward"));
  exports.Set("elmNetworkForwardAsync", Napi::Function::New(env, Forward<true>, "elmNetworkForwardAsync"));
  exports.Set("elmNetworkBackward", Napi::Function::New(env, Backward<false>, "elmNetworkBackward"));
  exports.Set("elmNetworkBackwardAsync", Napi::Function::New(env, Backward<true>, "elmNetworkBackwardAsync"));
  exports.Set("elmNetworkSavedLength", Napi::Function::New(env, SavedLength, "elmNetworkSavedLength"));
}

}  // namespace

ELM_REGISTER_BINDING(cuda_elm_network, Init);
