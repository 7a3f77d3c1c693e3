// allocOutput(byteLength): an ArrayBuffer of that many bytes for a kernel output,
// from the recycled output blocks (cpu/output_pool.h), or null where this Node does
// not allow external buffers (the caller then allocates one itself).
// outputPoolStats(), setOutputPoolLimit(bytes): the pool's state and limit.
#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cpu/output_pool.h"

namespace {

using elm::cpu::OutputPool;

// Largest output: 2^46 bytes (64 TiB), far past any memory, so that sizes stay exact doubles.
constexpr std::int64_t kMaxOutputBytes = std::int64_t(1) << 46;

// The block's size and who gives it back. The buffer's finalizer (give_back) gives
// the block to the pool. Node runs it on the JS thread once a garbage collection has
// freed the buffer and the event loop turns (collections came often enough without
// napi_adjust_external_memory: network training steps with an event-loop turn
// between them, as the trainer's, got 24 of 35 outputs from the pool) — or at once,
// inside napi_create_external_arraybuffer, when V8 cannot make the ArrayBuffer
// (its backing store is dropped). So a failed call may or may not have given the
// block back already: `creating` and `given` tell, so it is never given twice
// (a double free crashed the process at a 5 GB output).
struct Ticket {
  std::size_t bytes;
  bool creating = true;
  bool given = false;
};

void give_back(napi_env, void* data, void* hint) {
  Ticket* t = static_cast<Ticket*>(hint);
  OutputPool::give(data, t->bytes);
  if (t->creating) t->given = true;  // the failed call below reads it, then deletes the ticket
  else delete t;
}

Napi::Value AllocOutput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "allocOutput";
  const std::int64_t bytes = elm::binding::int_arg(info, 0, fn, "byteLength", 1);
  if (bytes > kMaxOutputBytes) {
    elm::binding::range_error(env, fn, "argument 'byteLength' must be at most 2^46, got " + std::to_string(bytes));
  }
  const auto n = static_cast<std::size_t>(bytes);
  void* p = OutputPool::take(n);
  if (p == nullptr) {
    elm::binding::range_error(env, fn, "out of memory: no block of " + std::to_string(bytes) + " bytes");
  }
  Ticket* ticket = new Ticket{n};
  napi_value ab;
  const napi_status st = napi_create_external_arraybuffer(env, p, n, give_back, ticket, &ab);
  ticket->creating = false;
  if (st != napi_ok) {  // napi_no_external_buffers_allowed (V8 sandbox builds), or V8 could not make it
    if (!ticket->given) OutputPool::give(p, n);
    delete ticket;
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value e;
      napi_get_and_clear_last_exception(env, &e);
    }
    return env.Null();
  }
  return Napi::Value(env, ab);
}

Napi::Value OutputPoolStats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const elm::cpu::OutputPoolStats s = OutputPool::stats();
  Napi::Object o = Napi::Object::New(env);
  o.Set("limitBytes", Napi::Number::New(env, static_cast<double>(s.limitBytes)));
  o.Set("pooledBytes", Napi::Number::New(env, static_cast<double>(s.pooledBytes)));
  o.Set("pooledBlocks", Napi::Number::New(env, static_cast<double>(s.pooledBlocks)));
  o.Set("reused", Napi::Number::New(env, static_cast<double>(s.reused)));
  o.Set("fresh", Napi::Number::New(env, static_cast<double>(s.fresh)));
  return o;
}

Napi::Value SetOutputPoolLimit(const Napi::CallbackInfo& info) {
  const std::int64_t bytes = elm::binding::int_arg(info, 0, "setOutputPoolLimit", "bytes", 0);
  OutputPool::set_limit(static_cast<std::size_t>(bytes));
  return info.Env().Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("allocOutput", Napi::Function::New(env, AllocOutput, "allocOutput"));
  exports.Set("outputPoolStats", Napi::Function::New(env, OutputPoolStats, "outputPoolStats"));
  exports.Set("setOutputPoolLimit", Napi::Function::New(env, SetOutputPoolLimit, "setOutputPoolLimit"));
}

}  // namespace

ELM_REGISTER_BINDING(output_pool, Init);
