#include "binding/common/registry.h"

#include <utility>
#include <vector>

namespace elm::binding {
namespace {
std::vector<std::pair<const char*, InitFn>>& entries() {
  static std::vector<std::pair<const char*, InitFn>> e;
  return e;
}
}  // namespace

Registrar::Registrar(const char* name, InitFn fn) { entries().emplace_back(name, fn); }

void init_all(Napi::Env env, Napi::Object exports) {
  for (auto& [name, fn] : entries()) fn(env, exports);
}

}  // namespace elm::binding

#define ELM_STR2(x) #x
#define ELM_STR(x) ELM_STR2(x)

static Napi::Object ElmInit(Napi::Env env, Napi::Object exports) {
  elm::binding::init_all(env, exports);
  exports.Set("addonName", Napi::String::New(env, ELM_STR(ELM_ADDON_NAME)));
  return exports;
}

NODE_API_MODULE(ELM_ADDON_NAME, ElmInit)
