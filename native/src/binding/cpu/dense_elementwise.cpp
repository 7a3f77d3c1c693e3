// denseUnary(op, x, y): y = f_op(x).  denseBinary(op, shape, a, sa, b, sb, out): broadcasting
// out = a op b with per-operand strides (Float64Arrays, 0 on broadcast axes). Op codes: elm/dense_math.h.
#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cpu/dense_elementwise.h"

namespace {

using namespace elm::binding;

template <class T>
void unary(const Napi::CallbackInfo& info) {
  const int op = dense::op_arg(info, "denseUnary", static_cast<int>(elm::dense::Unary::Count));
  auto x = typed_arg<T>(info, 1, "denseUnary", "x");
  auto y = typed_arg<T>(info, 2, "denseUnary", "y", x.size);
  elm::cpu::dense_unary<T>(static_cast<elm::dense::Unary>(op), x.size, x.data, y.data);
}

Napi::Value DenseUnary(const Napi::CallbackInfo& info) {
  if (is_float64(info, 1, "denseUnary", "x")) unary<double>(info);
  else unary<float>(info);
  return info.Env().Undefined();
}

template <class T>
void binary(const Napi::CallbackInfo& info) {
  auto r = dense::parse_binary<T>(info, "denseBinary", static_cast<int>(elm::dense::Binary::Count));
  if (r.out.size == 0) return;
  elm::cpu::dense_binary<T>(static_cast<elm::dense::Binary>(r.op), static_cast<int>(r.shape.size()), r.shape.data(),
                            r.a.data, r.sa.data(), r.b.data, r.sb.data(), r.out.data);
}

Napi::Value DenseBinary(const Napi::CallbackInfo& info) {
  if (is_float64(info, 2, "denseBinary", "a")) binary<double>(info);
  else binary<float>(info);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("denseUnary", Napi::Function::New(env, DenseUnary, "denseUnary"));
  exports.Set("denseBinary", Napi::Function::New(env, DenseBinary, "denseBinary"));
}

}  // namespace

ELM_REGISTER_BINDING(dense_elementwise, Init);
