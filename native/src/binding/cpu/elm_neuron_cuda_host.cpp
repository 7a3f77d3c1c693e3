// The CUDA kernels' thread bodies run on the host (tests of the CUDA code path
// without a GPU); same arguments as elmNeuronForward/elmNeuronBackward plus an
// optional threads-per-block (default 64):
//   elmNeuronForwardCudaBodies(shape, inputs, saved, traceT, mT, threadsPerBlock?)
//   elmNeuronBackwardCudaBodies(shape, inputs, saved, dM, dTraceT, dMT, grads, threadsPerBlock?)
#include "binding/common/registry.h"
#include "binding/cpu/elm_neuron_args.h"
#include "cpu/elm_neuron_cuda_host.h"

namespace {

namespace nb = elm::binding::neuron;

int threads_arg(const Napi::CallbackInfo& info, size_t i, const char* fn) {
  if (i >= info.Length() || info[i].IsUndefined()) return 64;
  const auto n = elm::binding::int_arg(info, i, fn, "threadsPerBlock", 1);
  if (n > 1024) elm::binding::range_error(info.Env(), fn, "argument 'threadsPerBlock' must be ≤ 1024, got " + std::to_string(n));
  return static_cast<int>(n);
}

template <class T>
const T* optional_typed(const Napi::CallbackInfo& info, size_t i, const char* fn, const char* name, std::int64_t len) {
  if (i < info.Length() && (info[i].IsNull() || info[i].IsUndefined())) return nullptr;
  return elm::binding::typed_arg<T>(info, i, fn, name, len).data;
}

template <class T>
void forward(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  nb::Pins pins;
  const elm::NeuronDims d = nb::parse_dims(env, nb::object_arg(info, 0, fn, "shape"), fn);
  const auto in = nb::parse_inputs<T>(env, nb::object_arg(info, 1, fn, "inputs"), d, fn, pins);
  const auto sv = nb::parse_saved<T>(env, nb::object_arg(info, 2, fn, "saved"), d, fn, pins);
  T* traceT = elm::binding::typed_arg<T>(info, 3, fn, "traceT", d.B * d.dTr()).data;
  T* mT = elm::binding::typed_arg<T>(info, 4, fn, "mT", d.B * d.dM).data;
  elm::cpu::elm_neuron_forward_cuda_bodies<T>(d, in, sv, traceT, mT, threads_arg(info, 5, fn));
}

template <class T>
void backward(const Napi::CallbackInfo& info, const char* fn) {
  Napi::Env env = info.Env();
  nb::Pins pins;
  const elm::NeuronDims d = nb::parse_dims(env, nb::object_arg(info, 0, fn, "shape"), fn);
  const auto in = nb::parse_inputs<T>(env, nb::object_arg(info, 1, fn, "inputs"), d, fn, pins);
  const auto sv = nb::parse_saved<T>(env, nb::object_arg(info, 2, fn, "saved"), d, fn, pins);
  const T* dM = elm::binding::typed_arg<T>(info, 3, fn, "dM", d.B * d.T * d.dM).data;
  const T* dTraceT = optional_typed<T>(info, 4, fn, "dTraceT", d.B * d.dTr());
  const T* dMT = optional_typed<T>(info, 5, fn, "dMT", d.B * d.dM);
  const auto g = nb::parse_grads<T>(env, nb::object_arg(info, 6, fn, "grads"), d, fn, pins);
  elm::cpu::elm_neuron_backward_cuda_bodies<T>(d, in, sv, dM, dTraceT, dMT, g, threads_arg(info, 7, fn));
}

Napi::Value Forward(const Napi::CallbackInfo& info) {
  const char* fn = "elmNeuronForwardCudaBodies";
  if (nb::inputs_float64(info.Env(), nb::object_arg(info, 1, fn, "inputs"), fn)) forward<double>(info, fn);
  else forward<float>(info, fn);
  return info.Env().Undefined();
}

Napi::Value Backward(const Napi::CallbackInfo& info) {
  const char* fn = "elmNeuronBackwardCudaBodies";
  if (nb::inputs_float64(info.Env(), nb::object_arg(info, 1, fn, "inputs"), fn)) backward<double>(info, fn);
  else backward<float>(info, fn);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("elmNeuronForwardCudaBodies", Napi::Function::New(env, Forward, "elmNeuronForwardCudaBodies"));
  exports.Set("elmNeuronBackwardCudaBodies", Napi::Function::New(env, Backward, "elmNeuronBackwardCudaBodies"));
}

}  // namespace

ELM_REGISTER_BINDING(elm_neuron_cuda_host, Init);
