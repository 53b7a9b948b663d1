// Source identity of creation sites.
//
// lockdep keys a class by the source site of its init. A compiler may emit
// one source call at several addresses: a loop unrolled, a function cloned
// (`.constprop`, `.isra`), a static inline helper duplicated with the code
// around it. Those return addresses share the whole chain of file:line:column
// through every inlined frame, and are one site. Where a module has debug
// info, a site is keyed by that chain instead of by its address: two copies
// of one call become one class, two calls on different lines (or columns)
// stay two.
//
// The chain comes from llvm-symbolizer, kept running as a helper process
// (started once, the first time a site of a module with debug info is
// keyed, as a grandchild so that the host never waits for it or reaps it),
// over a socket: nothing of the host - its allocator, its locks, its
// unwinder - is called. Each address is asked about once; modules without
// debug info never are. When there is no symbolizer, it fails or is slow,
// sites keep their address keys.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

// Outside any hook, at start-up: `symbolizer` is the configured path (null:
// FENCEDEP_SYMBOLIZER, then the usual places); `enabled` false turns source
// keys off (source_sites=0).
void source_sites_init(const char *symbolizer, bool enabled);

// A key for the source chain of the call that returns to `offset` in
// `module` (a path from the module table, stable for the run); 0 when it is
// not known (no debug info, no line, no symbolizer).
uint64_t source_chain_key(const char *module, uint64_t offset);

// Asks about (module, offset) now and returns at once: the answer is read
// when source_chain_key wants it (a new creation site asks when it is first
// seen, so its answer is usually in by the time its object is first used).
void source_chain_prefetch(const char *module, uint64_t offset);

// In a forked child: the helper belongs to the parent.
void source_sites_after_fork();

// Addresses keyed by their source chain so far (for statistics and tests).
uint64_t source_keys_found();

} // namespace fencedep::runtime
