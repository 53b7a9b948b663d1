// Who waited on and who signalled which object, along the wait and signal
// edges of the class graph: what tells a wait cycle that can deadlock from
// one that needs a thread to wake itself.
//
// A wait edge X -> W (a wait on an object of class W while holding X) and a
// signal edge W -> Y (an object of class W signalled after taking Y) form a
// "hop" of a cycle through W. The hop is
//   - instance-confirmed when one object was waited on by one thread and
//     signalled by another (a condvar, a barrier, a thread's exit);
//   - class-predicted when only different objects of the class were: a
//     thread T waits on w1, a thread S != T signals w2, and S itself never
//     waits on w2 (a thread that waits on an object and later signals it,
//     like a parent handing a start monitor to its child, wakes no one it
//     could block: it is the object's own waiter);
//   - hidden otherwise: every signal came from the waiting thread itself.
// A fence timeline (dma-fence context, syncobj) is one object for this
// purpose: any of its fences stands for the next one, as in lockdep's
// dma_fence_map.
#pragma once
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

// How sure a class-level cycle is (see above, and the engine).
enum class CycleStatus : uint8_t { Hidden, Predicted, Confirmed };

class WaitEvidence {
public:
  bool init(uint32_t max_edges, uint32_t max_samples);
  void reset_lock() {
    lock_.reset();
    index_.reset_lock();
    waiters_.reset_lock();
  }

  // An occurrence of edge `e`: a wait on, or a signal of, object `inst` by
  // thread `tid`. True when that adds to what is known.
  bool note(EdgeId e, uint64_t inst, uint32_t tid);
  // A wait on `inst` by `tid` began (whatever it held).
  void note_waiter(uint64_t inst, uint32_t tid);
  bool has(EdgeId e) const { return head_[e] != 0; }

  // The hop through a wait class: wait edge `in`, then signal edge `out`.
  CycleStatus hop(EdgeId in, EdgeId out, bool timeline) const;
  uint64_t dropped() const { return dropped_; }

private:
  struct Sample {
    uint64_t inst;
    uint32_t tid;
    uint32_t next; // next sample of the same edge
    bool multi;    // more than one thread
  };
  const Sample *find(EdgeId e, uint64_t inst) const;
  // Two distinct threads seen on edge `e` (0 when fewer).
  void tids(EdgeId e, uint32_t *a, uint32_t *b) const;

  RawArray<Sample> samples_;
  RawArray<uint32_t> head_;       // per edge: first sample
  RawArray<uint64_t> edge_tids_;  // per edge: up to two distinct tids
  AddressMap index_;              // (edge, instance) -> sample
  AddressMap waiters_;            // instance -> first waiter tid | kMulti
  uint32_t next_ = 1;
  uint64_t dropped_ = 0;
  SpinLock lock_;
};

} // namespace fencedep
