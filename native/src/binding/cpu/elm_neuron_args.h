// Argument parsing for the fused ELM neuron bindings (CPU and CUDA addons):
// shape, inputs, saved buffers and gradient buffers arrive as plain JS objects
// of typed arrays. Every check names the function, the field and what was
// expected; no math here. Typed arrays are pinned with persistent references
// so an async call keeps them alive until it settles.
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "binding/common/args.h"
#include "elm/neuron.h"

namespace elm::binding::neuron {

// Collects persistent references to every typed array a call uses.
struct Pins {
  std::vector<Napi::Reference<Napi::Value>> refs;
  void pin(const Napi::Value& v) { refs.push_back(Napi::Persistent(v)); }
};

inline Napi::Object object_arg(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name) {
  if (i >= info.Length() || !info[i].IsObject() || info[i].IsArray() || info[i].IsTypedArray()) {
    type_error(info.Env(), fn, std::string("argument '") + name + "' must be an object, got " +
                                   (i < info.Length() ? describe(info[i]) : "nothing"));
  }
  return info[i].As<Napi::Object>();
}

inline int int_field(Napi::Env env, const Napi::Object& o, const char* fn, const char* obj, const char* key, int min_value) {
  Napi::Value v = o.Get(key);
  const std::string name = std::string(obj) + "." + key;
  if (!v.IsNumber()) type_error(env, fn, "'" + name + "' must be a number, got " + describe(v));
  const double x = v.As<Napi::Number>().DoubleValue();
  if (x != static_cast<double>(static_cast<int>(x)) || x < min_value || x > 2147483647.0) {
    range_error(env, fn, "'" + name + "' must be an integer ≥ " + std::to_string(min_value) + ", got " + js_number(x));
  }
  return static_cast<int>(x);
}

inline std::string string_field(Napi::Env env, const Napi::Object& o, const char* fn, const char* obj, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsString()) type_error(env, fn, std::string("'") + obj + "." + key + "' must be a string, got " + describe(v));
  return v.As<Napi::String>().Utf8Value();
}

// shape: {variant, B, T, dIn, dS, dTree, dBrch, dM, dMlp, lMlp, activation}
inline NeuronDims parse_dims(Napi::Env env, const Napi::Object& o, const char* fn) {
  NeuronDims d;
  const std::string variant = string_field(env, o, fn, "shape", "variant");
  if (variant == "v1") d.variant = 1;
  else if (variant == "v2") d.variant = 2;
  else range_error(env, fn, "'shape.variant' must be \"v1\" or \"v2\", got \"" + variant + "\"");
  const std::string act = string_field(env, o, fn, "shape", "activation");
  if (act == "relu") d.act = Activation::relu;
  else if (act == "silu") d.act = Activation::silu;
  else range_error(env, fn, "'shape.activation' must be \"relu\" or \"silu\", got \"" + act + "\"");
  d.B = int_field(env, o, fn, "shape", "B", 1);
  d.T = int_field(env, o, fn, "shape", "T", 1);
  d.dIn = int_field(env, o, fn, "shape", "dIn", 1);
  d.dS = int_field(env, o, fn, "shape", "dS", 1);
  d.dTree = int_field(env, o, fn, "shape", "dTree", 1);
  d.dBrch = int_field(env, o, fn, "shape", "dBrch", 1);
  d.dM = int_field(env, o, fn, "shape", "dM", 1);
  d.dMlp = int_field(env, o, fn, "shape", "dMlp", 1);
  d.lMlp = int_field(env, o, fn, "shape", "lMlp", 1);
  if (static_cast<long long>(d.dTree) * d.dBrch != d.dS) {
    range_error(env, fn, "'shape.dS' (" + std::to_string(d.dS) + ") must equal dTree·dBrch (" + std::to_string(d.dTree) + "·" +
                             std::to_string(d.dBrch) + ")");
  }
  if (d.lMlp + 1 > kMaxMlpLayers) {
    range_error(env, fn, "'shape.lMlp' must be ≤ " + std::to_string(kMaxMlpLayers - 1) + ", got " + std::to_string(d.lMlp));
  }
  return d;
}

// A typed array field of the call's float type T (or null when nullable) with the expected length.
template <class E>
E* typed_field(Napi::Env env, const Napi::Object& o, const char* fn, const std::string& name, const std::string& key,
               std::int64_t len, bool nullable, Pins& pins) {
  using U = std::remove_const_t<E>;
  Napi::Value v = o.Get(key);
  if (nullable && (v.IsNull() || v.IsUndefined())) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != typed_array_kind<U>()) {
    type_error(env, fn, "'" + name + "' must be a " + typed_array_name<U>() + (nullable ? " or null" : "") + ", got " + describe(v));
  }
  auto arr = v.As<Napi::TypedArrayOf<U>>();
  if (static_cast<std::int64_t>(arr.ElementLength()) != len) {
    range_error(env, fn, "'" + name + "' has length " + std::to_string(arr.ElementLength()) + ", expected " + std::to_string(len));
  }
  pins.pin(v);
  return arr.Data();
}

// mlpW / mlpB style arrays: lMlp+1 typed arrays of the expected lengths.
template <class E>
void layer_fields(Napi::Env env, const Napi::Object& o, const char* fn, const char* obj, const char* key, const NeuronDims& d,
                  bool weights, E** out, Pins& pins) {
  Napi::Value v = o.Get(key);
  const std::string name = std::string(obj) + "." + key;
  if (!v.IsArray() || v.As<Napi::Array>().Length() != static_cast<uint32_t>(d.lMlp + 1)) {
    type_error(env, fn, "'" + name + "' must be an array of lMlp+1 = " + std::to_string(d.lMlp + 1) + " typed arrays, got " +
                            (v.IsArray() ? "Array(" + std::to_string(v.As<Napi::Array>().Length()) + ")" : describe(v)));
  }
  auto a = v.As<Napi::Array>();
  for (int l = 0; l <= d.lMlp; ++l) {
    const std::int64_t nIn = l == 0 ? d.nZ() : d.dMlp;
    const std::int64_t nOut = l == d.lMlp ? d.dM : d.dMlp;
    Napi::Object holder = Napi::Object::New(env);
    holder.Set("v", a.Get(static_cast<uint32_t>(l)));
    out[l] = typed_field<E>(env, holder, fn, name + "[" + std::to_string(l) + "]", "v", weights ? nOut * nIn : nOut, false, pins);
  }
}

// inputs: {x, route, routeMask, wS, kappaTrace, kappaM, gain, mlpW, mlpB, trace0, m0}
template <class T>
NeuronInputs<T> parse_inputs(Napi::Env env, const Napi::Object& o, const NeuronDims& d, const char* fn, Pins& pins) {
  NeuronInputs<T> in;
  const std::int64_t BT = d.B * d.T;
  in.x = typed_field<T>(env, o, fn, "inputs.x", "x", BT * d.dIn, false, pins);
  in.route = typed_field<std::int32_t>(env, o, fn, "inputs.route", "route", d.dS, true, pins);
  if (in.route) {
    for (int j = 0; j < d.dS; ++j) {
      if (in.route[j] < 0 || in.route[j] >= d.dIn) {
        range_error(env, fn, "'inputs.route[" + std::to_string(j) + "]' = " + std::to_string(in.route[j]) + " is outside [0, " +
                                 std::to_string(d.dIn) + ")");
      }
    }
  } else if (d.dS != d.dIn) {
    range_error(env, fn, "'inputs.route' is null (identity routing), so shape.dS (" + std::to_string(d.dS) +
                             ") must equal shape.dIn (" + std::to_string(d.dIn) + ")");
  }
  in.routeMask = typed_field<T>(env, o, fn, "inputs.routeMask", "routeMask", d.dS, true, pins);
  in.wS = typed_field<T>(env, o, fn, "inputs.wS", "wS", d.dS, false, pins);
  in.kappaTrace = typed_field<T>(env, o, fn, "inputs.kappaTrace", "kappaTrace", d.dTr(), false, pins);
  in.kappaM = typed_field<T>(env, o, fn, "inputs.kappaM", "kappaM", d.dM, false, pins);
  in.gain = typed_field<T>(env, o, fn, "inputs.gain", "gain", d.dM, false, pins);
  layer_fields<const T>(env, o, fn, "inputs", "mlpW", d, true, const_cast<const T**>(in.mlpW), pins);
  layer_fields<const T>(env, o, fn, "inputs", "mlpB", d, false, const_cast<const T**>(in.mlpB), pins);
  in.trace0 = typed_field<T>(env, o, fn, "inputs.trace0", "trace0", d.B * d.dTr(), true, pins);
  in.m0 = typed_field<T>(env, o, fn, "inputs.m0", "m0", d.B * d.dM, true, pins);
  return in;
}

// saved: {trace, z, pre, post, deltaM, m}
template <class T>
NeuronSaved<T> parse_saved(Napi::Env env, const Napi::Object& o, const NeuronDims& d, const char* fn, Pins& pins) {
  NeuronSaved<T> s;
  const std::int64_t BT = d.B * d.T;
  s.trace = typed_field<T>(env, o, fn, "saved.trace", "trace", BT * d.dTr(), false, pins);
  s.z = typed_field<T>(env, o, fn, "saved.z", "z", BT * d.nZ(), false, pins);
  s.pre = typed_field<T>(env, o, fn, "saved.pre", "pre", BT * d.nH(), false, pins);
  s.post = typed_field<T>(env, o, fn, "saved.post", "post", BT * d.nH(), false, pins);
  s.deltaM = typed_field<T>(env, o, fn, "saved.deltaM", "deltaM", BT * d.dM, false, pins);
  s.m = typed_field<T>(env, o, fn, "saved.m", "m", BT * d.dM, false, pins);
  return s;
}

// grads: {dx, dWS, dKappaTrace, dKappaM, dGain, dMlpW, dMlpB, dTrace0, dM0}; dx may be null
// where the kernel supports skipping the input gradient (dx_nullable).
template <class T>
NeuronGrads<T> parse_grads(Napi::Env env, const Napi::Object& o, const NeuronDims& d, const char* fn, Pins& pins,
                           bool dx_nullable = false) {
  NeuronGrads<T> g;
  g.dx = typed_field<T>(env, o, fn, "grads.dx", "dx", d.B * d.T * d.dIn, dx_nullable, pins);
  g.dWS = typed_field<T>(env, o, fn, "grads.dWS", "dWS", d.dS, false, pins);
  g.dKappaTrace = typed_field<T>(env, o, fn, "grads.dKappaTrace", "dKappaTrace", d.dTr(), false, pins);
  g.dKappaM = typed_field<T>(env, o, fn, "grads.dKappaM", "dKappaM", d.dM, false, pins);
  g.dGain = typed_field<T>(env, o, fn, "grads.dGain", "dGain", d.dM, false, pins);
  layer_fields<T>(env, o, fn, "grads", "dMlpW", d, true, g.dMlpW, pins);
  layer_fields<T>(env, o, fn, "grads", "dMlpB", d, false, g.dMlpB, pins);
  g.dTrace0 = typed_field<T>(env, o, fn, "grads.dTrace0", "dTrace0", d.B * d.dTr(), false, pins);
  g.dM0 = typed_field<T>(env, o, fn, "grads.dM0", "dM0", d.B * d.dM, false, pins);
  return g;
}

// Float64 when inputs.x is a Float64Array, float32 when a Float32Array.
inline bool inputs_float64(Napi::Env env, const Napi::Object& inputs, const char* fn) {
  Napi::Value x = inputs.Get("x");
  if (x.IsTypedArray()) {
    auto t = x.As<Napi::TypedArray>().TypedArrayType();
    if (t == napi_float64_array) return true;
    if (t == napi_float32_array) return false;
  }
  type_error(env, fn, "'inputs.x' must be a Float32Array or Float64Array, got " + describe(x));
}

// Runs `work` on the libuv thread pool; the promise resolves to undefined or
// rejects with the work's error message. `pins` keeps the arrays alive.
class Worker : public Napi::AsyncWorker {
 public:
  Worker(Napi::Env env, std::string fn, Pins&& pins, std::function<void()> work)
      : Napi::AsyncWorker(env, fn.c_str()), deferred_(Napi::Promise::Deferred::New(env)), fn_(std::move(fn)),
        pins_(std::move(pins)), work_(std::move(work)) {}
  Napi::Promise promise() const { return deferred_.Promise(); }
  void Execute() override {
    try {
      work_();
    } catch (const std::exception& e) {
      SetError(fn_ + ": " + e.what());
    } catch (...) {
      SetError(fn_ + ": unknown native error");
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::string fn_;
  Pins pins_;
  std::function<void()> work_;
};

// Calls `work` now (sync) or queues it (async → Promise).
inline Napi::Value run(const Napi::CallbackInfo& info, bool async, const char* fn, Pins&& pins, std::function<void()> work) {
  if (!async) {
    try {
      work();
    } catch (const Napi::Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), std::string(fn) + ": " + e.what());
    }
    return info.Env().Undefined();
  }
  auto* w = new Worker(info.Env(), fn, std::move(pins), std::move(work));
  Napi::Promise p = w->promise();
  w->Queue();
  return p;
}

}  // namespace elm::binding::neuron
