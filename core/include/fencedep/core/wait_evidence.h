// What the objects behind wait cycles were: for each wait and signal edge of
// the class graph, which thread waited on (or signalled) which object while
// holding (or after taking) which lock instance. A class cycle through a
// wait is a deadlock only when these line up:
//   - a thread never wakes itself: the signal must come from a thread other
//     than the waiter;
//   - the signaller must need the very lock the waiter holds, not another
//     lock made at the same site (per-object locks: a worker's own isolate
//     lock is not the one its joiner holds);
//   - a fence that a GPU completes is waited for by its submission only
//     by waits for submission (WAIT_FOR_SUBMIT): its completion depends on
//     what it awaits, not on what its submitter held;
//   - the object signalled must be the one waited on. A fence timeline
//     (dma-fence context, syncobj) is one object for this purpose: any of
//     its fences stands for the next one, as in lockdep's dma_fence_map.
// When everything lines up the cycle is instance-confirmed; otherwise it is
// hidden (see cycle_status.cpp).
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

// How sure a class-level cycle is (see above, and the engine).
enum class CycleStatus : uint8_t { Hidden, Predicted, Confirmed };

class WaitEvidence {
public:
  struct Sample {
    uint64_t from; // instance at the edge's source (0: none, e.g. a context)
    uint64_t to;   // instance at its destination
    uint32_t tid;
    uint32_t peer;      // joins: the thread joined
    uint32_t epoch;     // see Occurrence (engine.h)
    uint32_t exits;     // see Occurrence (engine.h)
    bool multi;         // seen from more than one thread
    bool after_wait;    // see Occurrence (engine.h)
    uint32_t after_lifetime_of; // see Occurrence (engine.h)
    uint8_t how;        // kHow* (engine.h): a wait for submission, a submission
    uint32_t next_edge; // next sample of the same edge
    uint32_t next_from; // next sample of the same edge and `from`
    uint32_t next_to;   // next sample of the same edge and `to`
  };

  bool init(uint32_t max_edges, uint32_t max_samples);
  void reset_lock() {
    lock_.reset();
    index_.reset_lock();
    by_from_.reset_lock();
    by_to_.reset_lock();
    generations_.reset_lock();
  }

  // The object at `inst` was destroyed: the next one made at that address
  // is another object. Allocators reuse addresses at once (CPython frees a
  // thread's lifetime lock when it is joined, and the next thread's lock
  // gets its address): without this, the locks of two threads that never
  // met would be one object, held by the one and signalled under by the
  // other.
  void forget(uint64_t inst);
  // `inst` with the number of objects destroyed at its address before it:
  // what note() is given for objects whose identity matters.
  uint64_t versioned(uint64_t inst) const;

  // An occurrence of edge `e` between instances `from` and `to` by thread
  // `tid` (`peer`, `epoch`: see Occurrence in engine.h). True when that
  // adds to what is known.
  bool note(EdgeId e, uint64_t from, uint64_t to, uint32_t tid, uint32_t peer = 0,
            uint32_t epoch = 0, uint32_t exits = 0, bool after_wait = false, uint8_t how = 0,
            uint32_t after_lifetime_of = 0);
  bool has(EdgeId e) const { return e < head_.capacity() && head_[e] != 0; }

  // The samples of edge `e` (those starting at instance `from` unless it
  // is 0), through `visit(const Sample &)`; stops when it returns false.
  template <typename F> void for_each(EdgeId e, uint64_t from, F &&visit) const {
    if (!from) {
      for (uint32_t id = head_[e]; id; id = samples_[id].next_edge)
        if (!visit(samples_[id]))
          return;
      return;
    }
    uint64_t v;
    if (!by_from_.find(from_key(e, from), &v))
      return;
    for (uint32_t id = uint32_t(v); id; id = samples_[id].next_from)
      if (!visit(samples_[id]))
        return;
  }
  // The samples of edge `e` that end at instance `to`.
  template <typename F> void for_each_to(EdgeId e, uint64_t to, F &&visit) const {
    uint64_t v;
    if (!by_to_.find(to_key(e, to), &v))
      return;
    for (uint32_t id = uint32_t(v); id; id = samples_[id].next_to)
      if (!visit(samples_[id]))
        return;
  }
  uint64_t dropped() const { return dropped_; }

private:
  static uint64_t from_key(EdgeId e, uint64_t from);
  static uint64_t to_key(EdgeId e, uint64_t to);

  RawArray<Sample> samples_;
  RawArray<uint32_t> head_; // per edge: first sample
  AddressMap index_;        // (edge, from, to) -> sample
  AddressMap by_from_;      // (edge, from) -> first sample with that source
  AddressMap by_to_;        // (edge, to) -> first sample with that destination
  AddressMap generations_;  // instance -> objects destroyed at its address
  std::atomic<bool> any_forgotten_{false};
  uint32_t next_ = 1;
  uint64_t dropped_ = 0;
  SpinLock lock_;
};

} // namespace fencedep
