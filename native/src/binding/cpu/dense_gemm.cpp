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
  auto r = dense::parse_matmul<T>(info, kFn);
  const bool acc = dense::bool_arg(info, 11, kFn, "accumulate");
  elm::cpu::gemm_batched<T>(r.batch, r.m, r.n, r.k, r.a.data, r.off_a.data(), r.trans_a, r.b.data, r.off_b.data(),
                            r.trans_b, r.c.data, acc);
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
