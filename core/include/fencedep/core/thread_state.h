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
  uint32_t waits;     // the thread's untimed waits begun before it was taken
};

struct WindowEntry {
  ClassId cls;
  uint64_t pc;
  uint64_t instance; // the first instance of the class taken in the window
  uint64_t version;  // the instance as the wait rules knew it then (released
                     // locks may be destroyed and their address reused)
  uint32_t epoch;    // the thread's signal count when it was taken
  uint32_t after_lifetime_of; // see Occurrence::after_lifetime_of
  uint32_t exits;    // threads of the process exited by then (Occurrence::exits)
  bool read;
  // The thread signalled something while holding it, after taking it: an
  // "I am done" made under the lock (see Engine::signal).
  bool handed_off;
};

// A completed wait of this thread: on which object, and that object's
// signal sequence when it woke (see Engine::signal).
struct ObservedSignal {
  uint64_t object;
  uint64_t seq;
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
  // Signals this thread made so far; untimed waits it began; its latest
  // completed waits.
  uint32_t signals;
  uint32_t untimed_waits;
  static constexpr unsigned kObservedSize = 8;
  ObservedSignal observed[kObservedSize];
  uint32_t observed_next;

  // True when lock instance `inst` is in the held set.
  bool holds_lock(uint64_t inst) const {
    for (uint32_t i = 0; i < nheld; ++i)
      if (held[i].instance == inst && held[i].role == HeldRole::Lock)
        return true;
    return false;
  }

  void reset(uint32_t new_tid) {
    tid = new_tid;
    nheld = 0;
    untracked_depth = 0;
    window_pos = window_len = 0;
    signals = 0;
    untimed_waits = 0;
    observed_next = 0;
    for (ObservedSignal &o : observed)
      o = ObservedSignal{0, 0};
  }
};

} // namespace fencedep
