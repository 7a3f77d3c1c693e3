// denseSumAxis / denseMaxAxis / denseSoftmaxAxis(outer, n, inner, x, out[, log]) over an
// [outer, n, inner] view; denseCrossEntropyRows(rows, C, z, t, loss) and
// denseCrossEntropyRowsGrad(rows, C, z, t, g, dz) with int32 targets in [0, C).
#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cpu/dense_reduce.h"

namespace {

using namespace elm::binding;

enum class Kind { Sum, Max, Softmax };

template <class T>
void axis_op(const Napi::CallbackInfo& info, const char* fn, Kind kind) {
  const std::int64_t outer = int_arg(info, 0, fn, "outer");
  const std::int64_t n = int_arg(info, 1, fn, "n");
  const std::int64_t inner = int_arg(info, 2, fn, "inner");
  auto x = typed_arg<T>(info, 3, fn, "x", outer * n * inner);
  auto out = typed_arg<T>(info, 4, fn, "out", kind == Kind::Softmax ? outer * n * inner : outer * inner);
  switch (kind) {
    case Kind::Sum: elm::cpu::dense_sum_axis<T>(outer, n, inner, x.data, out.data); break;
    case Kind::Max: elm::cpu::dense_max_axis<T>(outer, n, inner, x.data, out.data); break;
    case Kind::Softmax:
      elm::cpu::dense_softmax_axis<T>(outer, n, inner, x.data, out.data, dense::bool_arg(info, 5, fn, "log"));
      break;
  }
}

template <Kind K>
Napi::Value AxisOp(const Napi::CallbackInfo& info) {
  const char* fn = K == Kind::Sum ? "denseSumAxis" : K == Kind::Max ? "denseMaxAxis" : "denseSoftmaxAxis";
  if (is_float64(info, 3, fn, "x")) axis_op<double>(info, fn, K);
  else axis_op<float>(info, fn, K);
  return info.Env().Undefined();
}

template <class T>
void cross_entropy(const Napi::CallbackInfo& info, bool grad) {
  const char* fn = grad ? "denseCrossEntropyRowsGrad" : "denseCrossEntropyRows";
  const std::int64_t rows = int_arg(info, 0, fn, "rows");
  const std::int64_t C = int_arg(info, 1, fn, "C", 1);
  auto z = typed_arg<T>(info, 2, fn, "z", rows * C);
  auto t = typed_arg<std::int32_t>(info, 3, fn, "t", rows);
  for (std::int64_t r = 0; r < rows; ++r)
    if (t.data[r] < 0 || t.data[r] >= C)
      range_error(info.Env(), fn, "target " + std::to_string(t.data[r]) + " at row " + std::to_string(r) +
                                      " is out of range for " + std::to_string(C) + " classes");
  if (grad) {
    auto g = typed_arg<T>(info, 4, fn, "g", rows);
    auto dz = typed_arg<T>(info, 5, fn, "dz", rows * C);
    elm::cpu::dense_cross_entropy_rows_grad<T>(rows, C, z.data, t.data, g.data, dz.data);
  } else {
    auto loss = typed_arg<T>(info, 4, fn, "loss", rows);
    elm::cpu::dense_cross_entropy_rows<T>(rows, C, z.data, t.data, loss.data);
  }
}

template <bool Grad>
Napi::Value CrossEntropy(const Napi::CallbackInfo& info) {
  const char* fn = Grad ? "denseCrossEntropyRowsGrad" : "denseCrossEntropyRows";
  if (is_float64(info, 2, fn, "z")) cross_entropy<double>(info, Grad);
  else cross_entropy<float>(info, Grad);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("denseSumAxis", Napi::Function::New(env, AxisOp<Kind::Sum>, "denseSumAxis"));
  exports.Set("denseMaxAxis", Napi::Function::New(env, AxisOp<Kind::Max>, "denseMaxAxis"));
  exports.Set("denseSoftmaxAxis", Napi::Function::New(env, AxisOp<Kind::Softmax>, "denseSoftmaxAxis"));
  exports.Set("denseCrossEntropyRows", Napi::Function::New(env, CrossEntropy<false>, "denseCrossEntropyRows"));
  exports.Set("denseCrossEntropyRowsGrad", Napi::Function::New(env, CrossEntropy<true>, "denseCrossEntropyRowsGrad"));
}

}  // namespace

ELM_REGISTER_BINDING(dense_reduce, Init);
