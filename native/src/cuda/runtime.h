// Host-side helpers shared by the CUDA launch wrappers. Declarations only use
// plain C++ types so the N-API bindings compile with the host compiler.
#pragma once
#include <string>

namespace elm::cuda {

struct Status {
  bool available;
  int devices;
  std::string reason;  // empty when available
  std::string name;    // device 0's name when available
  int cc_major = 0, cc_minor = 0;
  int runtime_version = 0, driver_version = 0;
};

// Never throws: a missing driver, library or device is reported in `reason`.
Status status();

// Throws std::runtime_error with a message naming the call when a CUDA call fails.
void check(int code, const char* what);

}  // namespace elm::cuda
