// Per-thread (per-task, offline) state the engine turns events into edges
// with: the held set and the signal window.
#pragma once
#include <cstdint>

#include "fencedep/core/types.h"

namespace fencedep {

inline constexpr unsigned kMaxHeld = 64;
inline constexpr unsigned kWindowSize = 64;

enum class HeldRole : uint8_t {
  Lock,    // a real lock (or a lockdep map held as a lock)
  Section, // signalling section of a fence class: entered like a trylock
  Context, // memory-reclaim / MM-callback context
};

struct HeldEntry {
  ClassId cls;
  uint64_t instance;
  uint64_t pc;        // where it was taken
  const char *label;  // context name, when a context
  uint32_t depth;     // recursion count of the same instance
  HeldRole role;
  bool read;
  bool is_try;        // taken by a successful trylock: no incoming edge recorded
};

struct WindowEntry {
  ClassId cls;
  uint64_t pc;
  uint64_t instance; // the first instance of the class taken in the window
  uint32_t epoch;    // the thread's signal count when it was taken
  bool read;
};

// How far this thread has seen another's signals: `epoch` of `tid`'s
// signals completed one of its waits.
struct SyncEntry {
  uint32_t tid;
  uint32_t epoch;
};

// Plain data: zero-initialised storage is an empty state (it lives in TLS).
struct ThreadState {
  uint32_t tid;
  uint32_t nheld;
  // Acquisitions beyond kMaxHeld are not tracked, only counted; their
  // releases are recognised and ignored.
  uint32_t untracked_depth;
  uint64_t held_overflows;
  HeldEntry held[kMaxHeld];
  // Ring of what this thread took or waited on since its last completed
  // blocking wait (or its start): what a signal from here depends on.
  WindowEntry window[kWindowSize];
  uint32_t window_pos;
  uint32_t window_len;
  // Edges this thread already knows to be recorded (and gate-free): the
  // common case of re-taking a known nesting costs no shared-table probe.
  static constexpr unsigned kEdgeCacheSize = 128;
  uint64_t edge_cache[kEdgeCacheSize];
  // The engine's watch generation the cache was filled under: an edge that
  // became watched since must not be answered from it.
  uint32_t cache_gen;
  // Set by acquire_begin when the instance was not held, read by acquire_end.
  uint64_t not_held_inst;
  // Signals this thread made so far, and the latest of others' it saw.
  uint32_t signals;
  static constexpr unsigned kSyncSize = 8;
  SyncEntry sync[kSyncSize];
  uint32_t sync_next;
  uint32_t synced_with(uint32_t other) const {
    for (const SyncEntry &e : sync)
      if (e.tid == other)
        return e.epoch;
    return 0;
  }
  void saw_signal(uint32_t other, uint32_t epoch) {
    for (SyncEntry &e : sync) {
      if (e.tid == other) {
        if (epoch > e.epoch)
          e.epoch = epoch;
        return;
      }
    }
    sync[sync_next++ % kSyncSize] = SyncEntry{other, epoch};
  }

  void reset(uint32_t new_tid) {
    tid = new_tid;
    nheld = 0;
    untracked_depth = 0;
    window_pos = window_len = 0;
    signals = 0;
    sync_next = 0;
    for (SyncEntry &e : sync)
      e = SyncEntry{0, 0};
  }
};

} // namespace fencedep
