// Creation sites that see through wrappers.
//
// lockdep keys a lock class by the source site of its init: the kernel's
// mutex_init is a macro, so its key sits in the caller. In userspace an init
// wrapper is a function (HotSpot's Monitor constructors, libuv's
// uv_mutex_init, a thread library's new_lock), so the pthread_*_init call
// inside it is one site for every object the program makes through it, and
// one class for all of them would be a "deadlock" in every program that
// nests two of its locks.
//
// The rule: walk the creating call's stack, frame by frame. A frame whose
// function has made objects of this kind from one site only and has been
// called from several sites is a wrapper: the object's class moves to the
// wrapper's caller, recursively (HotSpot: Monitor -> Mutex ->
// PlatformMonitor -> pthread). The walk stops at the first function that is
// not a wrapper: one that creates several objects of the kind per call (a
// constructor with a `big` and a `small` mutex keeps one class per field,
// shared by every object it builds: lockdep's per-type prediction), or one
// called from a single site so far. The class key is the chain of sites up
// to there; the class is named by its outermost site.
//
// What a function is comes from its module's unwind table (the FDE's first
// address), so stripped binaries work. What the runtime has seen so far
// decides: an object is classed when it is first used, not when it is
// initialised, so that a constructor's later fields are known by then.
// `class_depth=N` replaces the rule by a fixed depth (0: the init call
// itself).
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep::runtime {

class CreationSites {
public:
  static constexpr uint32_t kMaxFrames = 8;
  static constexpr uint32_t kMaxChains = 1u << 18;
  static constexpr int kAuto = -1;

  bool init(int class_depth);
  void reset_locks_after_fork();

  // Walks the stack of the interposed call at `pc` (creating or first
  // using an object of `kind`), learns from it and returns its chain id.
  uint32_t note(ClassKind kind, bool first_use, uint64_t pc);

  struct Resolved {
    uint64_t key = 0;     // class key: the chain of sites up to `site`
    uint64_t site = 0;    // the site that names the class
    uint32_t depth = 0;   // frames above the creating call
  };
  // The class a chain belongs to, with what is known now.
  Resolved resolve(uint32_t chain) const;

  uint64_t wrappers_seen() const { return wrappers_.load(std::memory_order_relaxed); }
  // Changes whenever what resolve() answers for some chain may change (a
  // function found to have several sites or several callers): a chain's
  // class resolved at one epoch holds until the next.
  uint32_t epoch() const { return epoch_.load(std::memory_order_acquire); }

private:
  struct Chain {
    uint64_t pcs[kMaxFrames];
    uint32_t n;
    uint32_t space; // kind and whether a first use (see space_of)
  };
  uint64_t function_of(uint64_t pc);
  uint64_t function_of_known(uint64_t pc) const;
  // Adds `site` to what (space, fn) is known to do; true once it has
  // more than one.
  bool learn(AddressMap &m, uint64_t space, uint64_t fn, uint64_t site);
  bool has_many(const AddressMap &m, uint64_t space, uint64_t fn) const;
  uint32_t intern(uint64_t space, const uint64_t *pcs, uint32_t n, bool *created);

  int class_depth_ = kAuto;
  AddressMap functions_; // return address -> entry of its function (1: none known)
  AddressMap sites_;     // (space, function) -> its first site | kMany
  AddressMap callers_;   // (space, function) -> its first caller | kMany
  AddressMap chain_index_;
  RawArray<Chain> chains_;
  std::atomic<uint32_t> nchains_{1};
  SpinLock chain_lock_;
  std::atomic<uint64_t> wrappers_{0};
  std::atomic<uint32_t> epoch_{1};
};

} // namespace fencedep::runtime
