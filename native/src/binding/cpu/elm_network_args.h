// Argument parsing of the ELM Network bindings (CPU and CUDA share it): checks
// every shape field, array type and length and the range of src, and keeps the
// arrays alive (persistent references) for async work. Owns no math.
//
//   forward (shape, x, src, w, kappaB, kappaM, gain, mlpW[], mlpB[], wY, bY, b0|null, m0|null, y0|null,
//            y, bT, mT, yT, saved)
//   backward(shape, x, src, w, kappaB, kappaM, gain, mlpW[], mlpB[], wY, bY, b0|null, m0|null, y0|null,
//            saved, y, dY, dBT|null, dMT|null, dYT|null,
//            dx|null (CPU kernel only), dW, dKappaB, dKappaM, dGain, dMlpW[], dMlpB[], dWY, dBY, dB0, dM0, dY0)
#pragma once
#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "binding/common/args.h"
#include "elm/network.h"
#include "elm/network_host.h"

namespace elm::binding::network {

inline NetworkDims parse_dims(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject() || info[0].IsTypedArray() || info[0].IsArray()) {
    type_error(env, fn, "argument 'shape' must be an object {B,T,dIn,N,dTree,dBrch,dM,dMlp,lMlp,dAxon,activation}, got " +
                            (info.Length() ? describe(info[0]) : std::string("nothing")));
  }
  Napi::Object o = info[0].As<Napi::Object>();
  auto field = [&](const char* name, int min) -> int {
    Napi::Value v = o.Get(name);
    double x = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1e300;
    if (!v.IsNumber() || x != static_cast<double>(static_cast<std::int64_t>(x)) || x < min || x > 2147483647.0) {
      range_error(env, fn, std::string("shape.") + name + " must be an integer ≥ " + std::to_string(min) + ", got " +
                               describe(v));
    }
    return static_cast<int>(x);
  };
  NetworkDims d;
  d.B = field("B", 1);
  d.T = field("T", 1);
  d.dIn = field("dIn", 0);
  d.N = field("N", 1);
  d.dTree = field("dTree", 1);
  d.dBrch = field("dBrch", 1);
  d.dM = field("dM", 1);
  d.dMlp = field("dMlp", 1);
  d.lMlp = field("lMlp", 0);
  d.dAxon = field("dAxon", 1);
  if (d.lMlp + 1 > kMaxMlpLayers) {
    range_error(env, fn, "shape.lMlp must be ≤ " + std::to_string(kMaxMlpLayers - 1) + ", got " + std::to_string(d.lMlp));
  }
  const std::int64_t kc = static_cast<std::int64_t>(d.dTree) * d.dBrch;
  const std::int64_t dZ = static_cast<std::int64_t>(d.dIn) + static_cast<std::int64_t>(d.N) * d.dAxon;
  if (kc > 2147483647LL || dZ > 2147483647LL || kc * d.N > 2147483647LL) {
    range_error(env, fn, "shape too large: N·dTree·dBrch and dIn + N·dAxon must fit in int32");
  }
  Napi::Value a = o.Get("activation");
  const std::string act = a.IsString() ? a.As<Napi::String>().Utf8Value() : std::string();
  if (act == "relu") d.act = Activation::relu;
  else if (act == "silu") d.act = Activation::silu;
  else range_error(env, fn, "shape.activation must be \"relu\" or \"silu\", got " + (a.IsString() ? "\"" + act + "\"" : describe(a)));
  return d;
}

// Walks the positional arguments, checking each and keeping it alive.
template <class T>
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}

  T* floats(size_t i, const char* name, std::int64_t len) {
    auto s = typed_arg<T>(info_, i, fn_, name, len);
    keep(info_[i]);
    return s.data;
  }
  T* nullable(size_t i, const char* name, std::int64_t len) {
    if (i < info_.Length() && (info_[i].IsNull() || info_[i].IsUndefined())) return nullptr;
    return floats(i, name, len);
  }
  const std::int32_t* src(size_t i, const NetworkDims& d) {
    const std::int64_t n = static_cast<std::int64_t>(d.N) * d.kc();
    auto s = typed_arg<std::int32_t>(info_, i, fn_, "src", n);
    keep(info_[i]);
    for (std::int64_t q = 0; q < n; ++q) {
      if (s.data[q] < 0 || s.data[q] >= d.dZ()) {
        range_error(info_.Env(), fn_, "src[" + std::to_string(q) + "] (neuron " + std::to_string(q / d.kc()) +
                                          ", synapse " + std::to_string(q % d.kc()) + ") = " + std::to_string(s.data[q]) +
                                          " is out of range; expected 0 ≤ src < dIn + N·dAxon = " + std::to_string(d.dZ()));
      }
    }
    return s.data;
  }
  // An Array of lMlp+1 per-layer arrays, layer l of length N·len(l).
  template <class Len>
  void layers(size_t i, const char* name, const NetworkDims& d, Len len, T** out) {
    Napi::Env env = info_.Env();
    if (i >= info_.Length() || !info_[i].IsArray()) {
      type_error(env, fn_, std::string("argument '") + name + "' must be an Array of lMlp+1 = " +
                               std::to_string(d.lMlp + 1) + " typed arrays, got " +
                               (i < info_.Length() ? describe(info_[i]) : "nothing"));
    }
    Napi::Array arr = info_[i].As<Napi::Array>();
    if (arr.Length() != static_cast<uint32_t>(d.lMlp + 1)) {
      range_error(env, fn_, std::string("argument '") + name + "' must be an Array of lMlp+1 = " +
                                std::to_string(d.lMlp + 1) + " layers, got " + std::to_string(arr.Length()));
    }
    for (int l = 0; l <= d.lMlp; ++l) {
      Napi::Value v = arr.Get(static_cast<uint32_t>(l));
      const std::string label = std::string(name) + "[" + std::to_string(l) + "]";
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != typed_array_kind<T>()) {
        type_error(env, fn_, "argument '" + label + "' must be a " + typed_array_name<T>() + ", got " + describe(v));
      }
      auto ta = v.As<Napi::TypedArrayOf<T>>();
      const std::int64_t want = static_cast<std::int64_t>(d.N) * len(l);
      if (static_cast<std::int64_t>(ta.ElementLength()) != want) {
        range_error(env, fn_, "argument '" + label + "' has length " + std::to_string(ta.ElementLength()) +
                                  ", expected " + std::to_string(want));
      }
      keep(v);
      out[l] = ta.Data();
    }
  }

  std::vector<Napi::ObjectReference> take_refs() { return std::move(refs_); }

 private:
  void keep(const Napi::Value& v) { refs_.push_back(Napi::Persistent(v.As<Napi::Object>())); }
  const Napi::CallbackInfo& info_;
  const char* fn_;
  std::vector<Napi::ObjectReference> refs_;
};

template <class T>
NetworkInputs<T> parse_inputs(Args<T>& a, const NetworkDims& d) {
  NetworkInputs<T> p;
  const std::int64_t B = d.B, N = d.N;
  p.x = a.floats(1, "x", B * d.T * d.dIn);
  p.src = a.src(2, d);
  p.w = a.floats(3, "w", N * d.kc());
  p.kappaB = a.floats(4, "kappaB", N * d.dTree);
  p.kappaM = a.floats(5, "kappaM", N * d.dM);
  p.gain = a.floats(6, "gain", N * d.dM);
  T* w[kMaxMlpLayers] = {};
  T* b[kMaxMlpLayers] = {};
  a.layers(7, "mlpW", d, [&](int l) { return static_cast<std::int64_t>(d.layerOut(l)) * d.layerIn(l); }, w);
  a.layers(8, "mlpB", d, [&](int l) { return static_cast<std::int64_t>(d.layerOut(l)); }, b);
  for (int l = 0; l <= d.lMlp; ++l) {
    p.mlpW[l] = w[l];
    p.mlpB[l] = b[l];
  }
  p.wY = a.floats(9, "wY", N * d.dAxon * d.dM);
  p.bY = a.floats(10, "bY", N * d.dAxon);
  p.b0 = a.nullable(11, "b0", B * N * d.dTree);
  p.m0 = a.nullable(12, "m0", B * N * d.dM);
  p.y0 = a.nullable(13, "y0", B * N * d.dAxon);
  return p;
}

template <class T>
struct ForwardCall {
  NetworkDims d;
  NetworkInputs<T> p;
  T *y, *bT, *mT, *yT, *saved;
  std::vector<Napi::ObjectReference> refs;
};

template <class T>
ForwardCall<T> parse_forward(const Napi::CallbackInfo& info, const char* fn) {
  ForwardCall<T> c;
  c.d = parse_dims(info, fn);
  Args<T> a(info, fn);
  c.p = parse_inputs(a, c.d);
  const NetworkDims& d = c.d;
  const std::int64_t B = d.B;
  c.y = a.floats(14, "y", B * d.T * d.dY());
  c.bT = a.floats(15, "bT", B * d.N * d.dTree);
  c.mT = a.floats(16, "mT", B * d.N * d.dM);
  c.yT = a.floats(17, "yT", B * d.dY());
  c.saved = a.floats(18, "saved", d.savedLength());
  c.refs = a.take_refs();
  return c;
}

template <class T>
struct BackwardCall {
  NetworkDims d;
  NetworkInputs<T> p;
  const T *saved, *y, *dY, *dBT, *dMT, *dYT;
  NetworkGradOut<T> out;
  std::vector<Napi::ObjectReference> refs;
};

template <class T>
BackwardCall<T> parse_backward(const Napi::CallbackInfo& info, const char* fn, bool dxNullable = false) {
  BackwardCall<T> c;
  c.d = parse_dims(info, fn);
  Args<T> a(info, fn);
  c.p = parse_inputs(a, c.d);
  const NetworkDims& d = c.d;
  const std::int64_t B = d.B, N = d.N;
  c.saved = a.floats(14, "saved", d.savedLength());
  c.y = a.floats(15, "y", B * d.T * d.dY());
  c.dY = a.floats(16, "dY", B * d.T * d.dY());
  c.dBT = a.nullable(17, "dBT", B * N * d.dTree);
  c.dMT = a.nullable(18, "dMT", B * N * d.dM);
  c.dYT = a.nullable(19, "dYT", B * d.dY());
  NetworkGradOut<T>& o = c.out;
  // dx may be null where the kernel can skip dL/dx (the CPU kernel); elsewhere it is required
  o.dx = dxNullable ? a.nullable(20, "dx", B * d.T * d.dIn) : a.floats(20, "dx", B * d.T * d.dIn);
  o.dW = a.floats(21, "dW", N * d.kc());
  o.dKappaB = a.floats(22, "dKappaB", N * d.dTree);
  o.dKappaM = a.floats(23, "dKappaM", N * d.dM);
  o.dGain = a.floats(24, "dGain", N * d.dM);
  a.layers(25, "dMlpW", d, [&](int l) { return static_cast<std::int64_t>(d.layerOut(l)) * d.layerIn(l); }, o.dMlpW);
  a.layers(26, "dMlpB", d, [&](int l) { return static_cast<std::int64_t>(d.layerOut(l)); }, o.dMlpB);
  o.dWY = a.floats(27, "dWY", N * d.dAxon * d.dM);
  o.dBY = a.floats(28, "dBY", N * d.dAxon);
  o.dB0 = a.floats(29, "dB0", B * N * d.dTree);
  o.dM0 = a.floats(30, "dM0", B * N * d.dM);
  o.dY0 = a.floats(31, "dY0", B * d.dY());
  c.refs = a.take_refs();
  return c;
}

// Runs `work()` on the libuv pool; resolves undefined, or rejects with `fn: what()`.
class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, std::string fn, std::function<void()> work, std::vector<Napi::ObjectReference> refs)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), fn_(std::move(fn)),
        work_(std::move(work)), refs_(std::move(refs)) {}
  Napi::Promise promise() { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (const std::exception& e) {
      SetError(fn_ + ": " + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string fn_;
  std::function<void()> work_;
  std::vector<Napi::ObjectReference> refs_;  // the typed arrays stay alive until the work is done
};

}  // namespace elm::binding::network
