// hugePageOffset(buffer, byteOffset, byteLength): the offset from byteOffset to the
// first 2 MiB boundary inside buffer[byteOffset, byteOffset + byteLength), after
// advising transparent huge pages over the whole 2 MiB pages from there on
// (cpu/huge_pages.h). kernelAllocator in @elm/model places large outputs there, so
// their first writes fault once per 2 MiB instead of once per 4 KiB.
#include "binding/common/args.h"
#include "binding/common/registry.h"
#include "cpu/huge_pages.h"

namespace {

Napi::Value HugePageOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* fn = "hugePageOffset";
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) {
    elm::binding::type_error(env, fn, "argument 'buffer' must be an ArrayBuffer, got " +
                                          (info.Length() < 1 ? std::string("nothing") : elm::binding::describe(info[0])));
  }
  auto buf = info[0].As<Napi::ArrayBuffer>();
  const std::int64_t off = elm::binding::int_arg(info, 1, fn, "byteOffset");
  const std::int64_t len = elm::binding::int_arg(info, 2, fn, "byteLength");
  const auto size = static_cast<std::int64_t>(buf.ByteLength());
  if (off > size || len > size - off) {
    elm::binding::range_error(env, fn, "bytes [" + std::to_string(off) + ", " + std::to_string(off + len) +
                                           ") lie outside the buffer of " + std::to_string(size) + " bytes");
  }
  const auto* p = static_cast<const char*>(buf.Data()) + off;
  const std::size_t skip = elm::cpu::huge_page_skip(p);
  if (static_cast<std::int64_t>(skip) >= len) return Napi::Number::New(env, static_cast<double>(len));
  const std::size_t whole = (static_cast<std::size_t>(len) - skip) / elm::cpu::kHugePage * elm::cpu::kHugePage;
  elm::cpu::advise_huge_pages(p + skip, whole);
  return Napi::Number::New(env, static_cast<double>(skip));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("hugePageOffset", Napi::Function::New(env, HugePageOffset, "hugePageOffset"));
}

}  // namespace

ELM_REGISTER_BINDING(huge_pages, Init);
