// What a thread is blocked on, published for the live-hang watchdog
// (FENCEDEP_OPTIONS=hang_timeout=S). The thread writes its own record, the
// watchdog reads it: a sequence count, odd while the thread is blocked,
// changes on every update, so a reader that sees the same odd value before
// and after copying has a consistent copy.
#pragma once
#include <cstdint>

#include "fencedep/core/types.h"

namespace fencedep::runtime {

struct ThreadCtx;

struct BlockedObject {
  ClassId cls;
  EdgeKind how;      // Acquire: a lock; Wait / WaitForSubmit: a wait object
  uint64_t instance; // as the engine and traces know it
  uint64_t live_key; // what signals of this object are noted under
  uint32_t signaller; // the one thread that can end the wait, when known (a join)
};

// Plain data (it lives in initial-exec TLS); `seq` is accessed with
// __atomic builtins.
struct BlockRecord {
  static constexpr unsigned kMaxObjects = 4;
  uint32_t seq;
  uint32_t nobjects;
  bool wait_all; // blocked until every object completes, else until any does
  bool timed;    // the call gives up by itself (a timeout): never stuck
  uint64_t pc;   // the blocking call
  uint64_t since_ns;
  BlockedObject objects[kMaxObjects];
};

// Set at start-up when the watchdog runs: the hooks then keep the records.
extern bool watchdog_enabled;

// The calling thread is about to block on one more object of this call.
void block_note(ThreadCtx &t, ClassId c, uint64_t instance, uint64_t live_key, uint64_t pc,
                EdgeKind how, bool wait_all, uint32_t signaller = 0);
// The call returned.
void block_end(ThreadCtx &t);
// `live_key` was signalled by thread `tid`: who to blame for a wait later.
void note_signal(uint64_t live_key, uint32_t tid);

} // namespace fencedep::runtime
