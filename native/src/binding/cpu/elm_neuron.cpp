// Fused ELM neuron on the CPU (docs/CONTRACTS.md §2), sync and async:
//   elmNeuronForward(shape, inputs, saved, traceT, mT)            fills saved.{trace,z,pre,post,deltaM,m}, traceT, mT
//   elmNeuronBackward(shape, inputs, saved, dM, dTraceT, dMT, grads)   fills every grads.* array (grads.dx may be null: skipped)
//   elmNeuronForwardAsync(...) / elmNeuronBackwardAsync(...)       the same off the JS thread → Promise<void>
//   elmNeuronSynapsePath(mode?)   sets ("auto" | "dense" | "sparse") when given; returns the mode in effect before
// Float32 or Float64 (inputs.x decides; every float array must match).
#include <string>

#include "binding/common/registry.h"
#include "binding/cpu/elm_neuron_args.h"
#include "cpu/elm_neuron.h"
#include "cpu/float_mode.h"

namespace {

namespace nb = elm::binding::neuron;

template <class T>
Napi::Value forward(const Napi::CallbackInfo& info, bool async, const char* fn) {
  Napi::Env env = info.Env();
  nb::Pins pins;
  const elm::NeuronDims d = nb::parse_dims(env, nb::object_arg(info, 0, fn, "shape"), fn);
  const auto in = nb::parse_inputs<T>(env, nb::object_arg(info, 1, fn, "inputs"), d, fn, pins);
  const auto sv = nb::parse_saved<T>(env, nb::object_arg(info, 2, fn, "saved"), d, fn, pins);
  T* traceT = elm::binding::typed_arg<T>(info, 3, fn, "traceT", d.B * d.dTr()).data;
  T* mT = elm::binding::typed_arg<T>(info, 4, fn, "mT", d.B * d.dM).data;
  pins.pin(info[3]);
  pins.pin(info[4]);
  return nb::run(info, async, fn, std::move(pins), [=] {
    elm::cpu::FlushDenormals ftz;  // float_mode.h
    elm::cpu::elm_neuron_forward<T>(d, in, sv, traceT, mT);
  });
}

template <class T>
const T* optional_typed(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, std::int64_t len, nb::Pins& pins) {
  if (i < info.Length() && (info[i].IsNull() || info[i].IsUndefined())) return nullptr;
  T* p = elm::binding::typed_arg<T>(info, i, fn, name, len).data;
  pins.pin(info[i]);
  return p;
}

template <class T>
Napi::Value backward(const Napi::CallbackInfo& info, bool async, const char* fn) {
  Napi::Env env = info.Env();
  nb::Pins pins;
  const elm::NeuronDims d = nb::parse_dims(env, nb::object_arg(info, 0, fn, "shape"), fn);
  const auto in = nb::parse_inputs<T>(env, nb::object_arg(info, 1, fn, "inputs"), d, fn, pins);
  const auto sv = nb::parse_saved<T>(env, nb::object_arg(info, 2, fn, "saved"), d, fn, pins);
  const T* dM = optional_typed<T>(info, 3, fn, "dM", d.B * d.T * d.dM, pins);
  if (!dM) elm::binding::type_error(env, fn, "argument 'dM' must be a typed array, got null");
  const T* dTraceT = optional_typed<T>(info, 4, fn, "dTraceT", d.B * d.dTr(), pins);
  const T* dMT = optional_typed<T>(info, 5, fn, "dMT", d.B * d.dM, pins);
  const auto g = nb::parse_grads<T>(env, nb::object_arg(info, 6, fn, "grads"), d, fn, pins, /*dx_nullable=*/true);
  return nb::run(info, async, fn, std::move(pins),
                 [=] {
                   elm::cpu::FlushDenormals ftz;
                   elm::cpu::elm_neuron_backward<T>(d, in, sv, dM, dTraceT, dMT, g);
                 });
}

template <bool Async>
Napi::Value Forward(const Napi::CallbackInfo& info) {
  const char* fn = Async ? "elmNeuronForwardAsync" : "elmNeuronForward";
  const Napi::Object inputs = nb::object_arg(info, 1, fn, "inputs");
  return nb::inputs_float64(info.Env(), inputs, fn) ? forward<double>(info, Async, fn) : forward<float>(info, Async, fn);
}

template <bool Async>
Napi::Value Backward(const Napi::CallbackInfo& info) {
  const char* fn = Async ? "elmNeuronBackwardAsync" : "elmNeuronBackward";
  const Napi::Object inputs = nb::object_arg(info, 1, fn, "inputs");
  return nb::inputs_float64(info.Env(), inputs, fn) ? backward<double>(info, Async, fn) : backward<float>(info, Async, fn);
}

Napi::Value SynapsePath(const Napi::CallbackInfo& info) {
  using elm::cpu::NeuronSynapsePath;
  const NeuronSynapsePath old = elm::cpu::neuron_synapse_path();
  const char* names[] = {"auto", "dense", "sparse"};
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    const std::string mode = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : std::string();
    if (mode == "auto") elm::cpu::set_neuron_synapse_path(NeuronSynapsePath::kAuto);
    else if (mode == "dense") elm::cpu::set_neuron_synapse_path(NeuronSynapsePath::kDense);
    else if (mode == "sparse") elm::cpu::set_neuron_synapse_path(NeuronSynapsePath::kSparse);
    else elm::binding::type_error(info.Env(), "elmNeuronSynapsePath", "argument 'mode' must be \"auto\", \"dense\" or \"sparse\"");
  }
  return Napi::String::New(info.Env(), names[static_cast<int>(old)]);
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("elmNeuronSynapsePath", Napi::Function::New(env, SynapsePath, "elmNeuronSynapsePath"));
  exports.Set("elmNeuronForward", Napi::Function::New(env, Forward<false>, "elmNeuronForward"));
  exports.Set("elmNeuronForwardAsync", Napi::Function::New(env, Forward<true>, "elmNeuronForwardAsync"));
  exports.Set("elmNeuronBackward", Napi::Function::New(env, Backward<false>, "elmNeuronBackward"));
  exports.Set("elmNeuronBackwardAsync", Napi::Function::New(env, Backward<true>, "elmNeuronBackwardAsync"));
}

}  // namespace

ELM_REGISTER_BINDING(elm_neuron, Init);
