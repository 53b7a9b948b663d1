// Which loaded module (executable, shared object, vDSO) holds an address,
// its path, load bias and unwind table. Hooks ask for every new site, so the
// lookup must be cheap and must never take a lock the host may hold: glibc's
// _dl_find_object (made for unwinders: lock-free, async-signal-safe) answers
// it, where dladdr scans symbol tables and dl_iterate_phdr takes the
// loader's lock.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

struct ModuleRef {
  uint64_t start = 0; // the module's mapping
  uint64_t end = 0;
  uint64_t bias = 0;  // load bias: module offset = address - bias
  const uint8_t *eh_frame_hdr = nullptr; // PT_GNU_EH_FRAME, when present
  const char *path = nullptr;            // stable for the life of the process
};

// Called once at start-up, outside any hook.
void init_modules(const char *exe_path);
// False when `addr` is in no loaded module (JIT code, heap, stack).
bool find_module(uint64_t addr, ModuleRef *out);
// The runtime's own code: its frames say nothing about the program.
bool in_runtime(uint64_t pc);

} // namespace fencedep::runtime
