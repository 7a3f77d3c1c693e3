// The CUDA addon's dense ops for @elm/core: denseMatmul, denseUnary, denseBinary with the
// same arguments and checks as the CPU addon's (accumulate must be false here).
#include <stdexcept>

#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cuda/dense_kernels.h"
#include "elm/dense_math.h"

namespace {

using namespace elm::binding;

template <class F>
void guarded(const Napi::CallbackInfo& info, const char* fn, F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    throw Napi::Error::New(info.Env(), std::string(fn) + " (cuda): " + e.what());
  }
}

template <class T>
void matmul(const Napi::CallbackInfo& info) {
  auto r = dense::parse_matmul<T>(info, "denseMatmul");
  if (info.Length() > 11 && dense::bool_arg(info, 11, "denseMatmul", "accumulate"))
    range_error(info.Env(), "denseMatmul", "accumulate = true is not supported on cuda");
  guarded(info, "denseMatmul", [&] {
    elm::cuda::dense_matmul_host<T>(r.batch, r.m, r.n, r.k, r.a.data, r.a.size, r.off_a.data(), r.trans_a, r.b.data,
                                    r.b.size, r.off_b.data(), r.trans_b, r.c.data);
  });
}

Napi::Value Matmul(const Napi::CallbackInfo& info) {
  if (is_float64(info, 0, "denseMatmul", "a")) matmul<double>(info);
  else matmul<float>(info);
  return info.Env().Undefined();
}

template <class T>
void unary(const Napi::CallbackInfo& info) {
  const int op = dense::op_arg(info, "denseUnary", static_cast<int>(elm::dense::Unary::Count));
  auto x = typed_arg<T>(info, 1, "denseUnary", "x");
  auto y = typed_arg<T>(info, 2, "denseUnary", "y", x.size);
  guarded(info, "denseUnary", [&] { elm::cuda::dense_unary_host<T>(op, x.size, x.data, y.data); });
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  if (is_float64(info, 1, "denseUnary", "x")) unary<double>(info);
  else unary<float>(info);
  return info.Env().Undefined();
}

template <class T>
void binary(const Napi::CallbackInfo& info) {
  auto r = dense::parse_binary<T>(info, "denseBinary", static_cast<int>(elm::dense::Binary::Count));
  guarded(info, "denseBinary", [&] {
    elm::cuda::dense_binary_host<T>(r.op, static_cast<int>(r.shape.size()), r.shape.data(), r.a.data, r.a.size,
                                    r.sa.data(), r.b.data, r.b.size, r.sb.data(), r.out.data, r.out.size);
  });
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  if (is_float64(info, 2, "denseBinary", "a")) binary<double>(info);
  else binary<float>(info);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("denseMatmul", Napi::Function::New(env, Matmul, "denseMatmul"));
  exports.Set("denseUnary", Napi::Function::New(env, Unary, "denseUnary"));
  exports.Set("denseBinary", Napi::Function::New(env, Binary, "denseBinary"));
}

}  // namespace

ELM_REGISTER_BINDING(cuda_dense_kernels, Init);
