// Each binding file registers its exports with ELM_REGISTER_BINDING, so adding
// an op means adding a file: no central list to edit.
#pragma once
#include <napi.h>

namespace elm::binding {

using InitFn = void (*)(Napi::Env env, Napi::Object exports);

struct Registrar {
  Registrar(const char* name, InitFn fn);
};

// Calls every registered InitFn; used by the module entry point.
void init_all(Napi::Env env, Napi::Object exports);

}  // namespace elm::binding

#define ELM_REGISTER_BINDING(name, fn) \
  static ::elm::binding::Registrar elm_binding_registrar_##name(#name, fn)
