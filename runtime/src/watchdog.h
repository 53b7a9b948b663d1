// Live hangs (FENCEDEP_OPTIONS=hang_timeout=SECONDS). Threads publish what
// they block on (block_record.h); a watchdog thread of the runtime looks at
// them a few times per timeout and, when a thread has been blocked longer
// than the timeout, prints the instance-level wait-for graph of every
// blocked thread as a `live-hang` report: once per hang (a thread still
// blocked in the same call is not reported again), from its own thread, and
// without stopping or signalling anything in the host.
#pragma once
#include <cstdint>

namespace fencedep::runtime {

struct ThreadCtx;

// Starts the watchdog when the options ask for it (at start-up, and in a
// forked child, where only the forking thread survives).
void watchdog_start();
void watchdog_after_fork();
// The thread whose exit object `instance` is, once it has started; 0
// otherwise (hooks_thread.cpp).
uint32_t thread_of_exit(uint64_t instance);
// Threads the runtime started (and the main thread) are watched from their
// first hooked call until they exit.
void watchdog_register(ThreadCtx &t);

} // namespace fencedep::runtime
