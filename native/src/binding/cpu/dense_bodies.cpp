// denseMatmulBodiesOnHost(a, b, c, batch, m, n, k, offA, offB, transA, transB) and
// denseBinaryBodiesOnHost(op, shape, a, sa, b, sb, out): the CUDA dense kernels' thread
// bodies run in host loops (for tests on machines without a GPU). Same arguments as
// denseMatmul / denseBinary.
#include "binding/common/registry.h"
#include "binding/cpu/dense_args.h"
#include "cpu/dense_bodies.h"
#include "elm/dense_math.h"

namespace {

using namespace elm::binding;

template <class T>
void matmul(const Napi::CallbackInfo& info) {
  auto r = dense::parse_matmul<T>(info, "denseMatmulBodiesOnHost");
  elm::cpu::dense_matmul_bodies<T>(r.batch, r.m, r.n, r.k, r.a.data, r.off_a.data(), r.trans_a, r.b.data,
                                   r.off_b.data(), r.trans_b, r.c.data);
}

Napi::Value MatmulBodies(const Napi::CallbackInfo& info) {
  if (is_float64(info, 0, "denseMatmulBodiesOnHost", "a")) matmul<double>(info);
  else matmul<float>(info);
  return info.Env().Undefined();
}

template <class T>
void binary(const Napi::CallbackInfo& info) {
  auto r = dense::parse_binary<T>(info, "denseBinaryBodiesOnHost", static_cast<int>(elm::dense::Binary::Count));
  elm::cpu::dense_binary_bodies<T>(r.op, static_cast<int>(r.shape.size()), r.shape.data(), r.a.data, r.sa.data(),
                                   r.b.data, r.sb.data(), r.out.data, r.out.size);
}

Napi::Value BinaryBodies(const Napi::CallbackInfo& info) {
  if (is_float64(info, 2, "denseBinaryBodiesOnHost", "a")) binary<double>(info);
  else binary<float>(info);
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("denseMatmulBodiesOnHost", Napi::Function::New(env, MatmulBodies, "denseMatmulBodiesOnHost"));
  exports.Set("denseBinaryBodiesOnHost", Napi::Function::New(env, BinaryBodies, "denseBinaryBodiesOnHost"));
}

}  // namespace

ELM_REGISTER_BINDING(dense_bodies, Init);
