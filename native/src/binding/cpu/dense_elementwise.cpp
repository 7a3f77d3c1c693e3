// denseUnary(op, x, y): y = f_op(x).  denseBinary(op, shape, a, sa, b, sb, out): broadcasting
// out = a op b with per-operand strides (Float64Arrays, 0 on broadcast axes). Op codes: elm/dense_math.h.
#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cpu/dense_elementwise.h"

namespace {

using namespace elm::binding;

int op_arg(const Napi::CallbackInfo& info, const char* fn, int count) {
  const std::int64_t op = int_arg(info, 0, fn, "op");
  if (op >= count) range_error(info.Env(), fn, "op code " + std::to_string(op) + " is not below " + std::to_string(count));
  return static_cast<int>(op);
}

template <class T>
void unary(const Napi::CallbackInfo& info) {
  const int op = op_arg(info, "denseUnary", static_cast<int>(elm::dense::Unary::Count));
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
  constexpr const char* fn = "denseBinary";
  const int op = op_arg(info, fn, static_cast<int>(elm::dense::Binary::Count));
  auto shape = dense::int_list_arg(info, 1, fn, "shape");
  const auto nd = static_cast<std::int64_t>(shape.size());
  if (nd > 8) range_error(info.Env(), fn, "at most 8 axes, got " + std::to_string(nd));
  auto a = typed_arg<T>(info, 2, fn, "a");
  auto sa = dense::int_list_arg(info, 3, fn, "sa", nd);
  auto b = typed_arg<T>(info, 4, fn, "b");
  auto sb = dense::int_list_arg(info, 5, fn, "sb", nd);
  std::int64_t size = 1, last_a = 0, last_b = 0;
  for (std::int64_t d = 0; d < nd; ++d) {
    size *= shape[d];
    if (shape[d] > 0) {
      last_a += (shape[d] - 1) * sa[d];
      last_b += (shape[d] - 1) * sb[d];
    }
  }
  auto out = typed_arg<T>(info, 6, fn, "out", size);
  if (size > 0 && (last_a >= a.size || last_b >= b.size))
    range_error(info.Env(), fn, "strides reach past an operand: a needs " + std::to_string(last_a + 1) + " of " +
                                    std::to_string(a.size) + ", b needs " + std::to_string(last_b + 1) + " of " +
                                    std::to_string(b.size));
  if (size == 0) return;
  elm::cpu::dense_binary<T>(static_cast<elm::dense::Binary>(op), static_cast<int>(nd), shape.data(), a.data,
                            sa.data(), b.data, sb.data(), out.data);
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
