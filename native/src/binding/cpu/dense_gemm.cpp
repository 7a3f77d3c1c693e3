// denseMatmul(a, b, c, batch, m, n, k, offA, offB, transA, transB, accumulate):
// for t < batch, C[t] (=|+=) op(A at offA[t]) · op(B at offB[t]); C contiguous [batch, m, n].
// A_t is [m,k] ([k,m] if transA), B_t is [k,n] ([n,k] if transB). Offsets are Float64Arrays.
#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cpu/dense_gemm.h"

namespace {

using namespace elm::binding;
constexpr const char* kFn = "denseMatmul";

template <class T>
void run(const Napi::CallbackInfo& info) {
  auto a = typed_arg<T>(info, 0, kFn, "a");
  auto b = typed_arg<T>(info, 1, kFn, "b");
  const std::int64_t batch = int_arg(info, 3, kFn, "batch");
  const std::int64_t m = int_arg(info, 4, kFn, "m");
  const std::int64_t n = int_arg(info, 5, kFn, "n");
  const std::int64_t k = int_arg(info, 6, kFn, "k");
  auto c = typed_arg<T>(info, 2, kFn, "c", batch * m * n);
  auto off_a = dense::int_list_arg(info, 7, kFn, "offA", batch);
  auto off_b = dense::int_list_arg(info, 8, kFn, "offB", batch);
  const bool ta = dense::bool_arg(info, 9, kFn, "transA");
  const bool tb = dense::bool_arg(info, 10, kFn, "transB");
  const bool acc = dense::bool_arg(info, 11, kFn, "accumulate");
  for (std::int64_t t = 0; t < batch; ++t) {
    if (off_a[t] + m * k > a.size)
      range_error(info.Env(), kFn, "offA[" + std::to_string(t) + "] = " + std::to_string(off_a[t]) + " + m·k = " +
                                       std::to_string(m * k) + " exceeds a's length " + std::to_string(a.size));
    if (off_b[t] + k * n > b.size)
      range_error(info.Env(), kFn, "offB[" + std::to_string(t) + "] = " + std::to_string(off_b[t]) + " + k·n = " +
                                       std::to_string(k * n) + " exceeds b's length " + std::to_string(b.size));
  }
  elm::cpu::gemm_batched<T>(batch, m, n, k, a.data, off_a.data(), ta, b.data, off_b.data(), tb, c.data, acc);
}

Napi::Value DenseMatmul(const Napi::CallbackInfo& info) {
  if (is_float64(info, 0, kFn, "a")) run<double>(info);
  else run<float>(info);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("denseMatmul", Napi::Function::New(env, DenseMatmul, "denseMatmul"));
}

}  // namespace

ELM_REGISTER_BINDING(dense_gemm, Init);
