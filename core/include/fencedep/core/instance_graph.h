// A graph over object instances (lock addresses, fence identities), next to
// the class graph: an edge a -> b says one context held or awaited a while
// it took or awaited b. The class graph predicts; this one confirms. It
// serves two purposes:
//   - fence await DAG: an instance cycle is a definite deadlock;
//   - lock instances: nestings of two instances of one class (invisible at
//     class level: chains and rings of locks made at one site), and the
//     instance pairs behind class edges, which tell an instance-confirmed
//     class cycle from a class-predicted one.
// Each pair is stored once. Fixed capacity reserved up front; when full,
// new pairs are dropped and counted.
#pragma once
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/dep_graph.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

struct InstanceLink {
  uint32_t from; // node ids
  uint32_t to;
  uint32_t next;    // next link out of `from`
  uint32_t next_in; // next link into `to`
  uint32_t tid;
  StackId stack;
  uint8_t types;  // kDep* of the nestings seen for this pair
  bool dead;      // removed (a fence re-initialised)
  bool unordered; // closed a cycle of links: outside the topological order
};

// A path of links, in order. A path longer than a report holds keeps its
// beginning; `total` says how long it was.
struct InstancePath {
  uint32_t links[kMaxCycle];
  uint32_t size = 0;
  uint32_t total = 0;
};

class InstanceGraph {
public:
  // `new_nodes_first`: a new node goes first in the topological order
  // instead of last. A fence awaits older fences (frame k awaits frame k-1):
  // placed first, its links agree with the order at once, where placed last
  // every new link of a chain would reorder the whole chain.
  bool init(uint32_t max_nodes, uint32_t max_links, bool new_nodes_first = false);
  void reset_locks_after_fork() {
    lock_.reset();
    nodes_.reset_lock();
    pairs_.reset_lock();
  }

  // Records `from` -> `to`. Returns the link when this pair (or this
  // dependency type of it) is new, 0 when known or out of room.
  uint32_t add(uint64_t from, ClassId from_class, uint64_t to, ClassId to_class, uint8_t type,
               uint32_t tid, StackId stack);
  // True when the pair is recorded.
  bool has(uint64_t from, uint64_t to) const;
  // After add(): may link `id` close a cycle of links (read holds aside)?
  // A topological order of the links is kept as they come (Pearce and
  // Kelly's dynamic algorithm), so a link that agrees with it costs O(1)
  // and one that does not searches only the stretch of the order it
  // crosses - where a search of the whole graph per new link would be
  // quadratic in programs that nest thousands of locks of one class. A
  // link that closes a cycle stays outside the order.
  bool may_close_cycle(uint32_t id);
  // Forgets the links out of `inst` (a fence re-initialised for reuse).
  void clear_out(uint64_t inst);
  // The object at `inst` is gone (destroyed): a new one at its address is a
  // new node; the old node keeps its links, out of reach by address.
  void forget(uint64_t inst);

  // The shortest path from `from` to `to` along links into nodes whose
  // class is in `classes` (any class when n == 0), under lockdep's rule for
  // read holds: a node entered by a read may not be left from a read hold.
  // `entered_read`: `from` was entered by a read (by the link that closes
  // the cycle); `closing_src_read`: that closing link leaves `to` from a
  // read hold, so `to` may not be entered by a read.
  bool find_path(uint64_t from, uint64_t to, const ClassId *classes, uint32_t n,
                 bool entered_read, bool closing_src_read, InstancePath *out);

  const InstanceLink &link(uint32_t id) const { return links_[id]; }
  uint64_t instance(uint32_t node) const { return inst_[node]; }
  ClassId node_class(uint32_t node) const { return class_[node]; }
  uint64_t dropped() const { return dropped_; }
  uint64_t unordered_links() const { return unordered_; }

private:
  uint32_t node(uint64_t inst, ClassId cls, bool create);
  // Depth-first over ordered links from `start`, forward (out-links, nodes
  // ordered below `bound`) or backward (in-links, above it), into `seen`.
  // True when `target` is reached.
  bool sweep(uint32_t start, bool forward, uint32_t bound, uint32_t target,
             RawArray<uint32_t> &seen, uint32_t *nseen);

  AddressMap nodes_; // instance -> node id
  AddressMap pairs_; // hash of (from, to) -> link id
  RawArray<InstanceLink> links_;
  RawArray<uint32_t> head_;    // per node: first link out
  RawArray<uint32_t> in_head_; // per node: first link in
  RawArray<uint32_t> ord_;     // per node: its place in the topological order
  RawArray<uint32_t> mark_;    // per node: epoch of the last sweep that saw it
  RawArray<uint32_t> fwd_, bwd_, ords_;  // sweep scratch
  RawArray<uint64_t> inst_;
  RawArray<ClassId> class_;
  RawArray<uint32_t> visit_;  // BFS epoch per (node, entered-by-read) state
  RawArray<uint32_t> parent_; // BFS: the link that reached a state
  RawArray<uint32_t> parent_state_;
  RawArray<uint32_t> queue_;
  uint32_t max_nodes_ = 0, max_links_ = 0;
  uint32_t next_node_ = 1, next_link_ = 1, epoch_ = 0, mark_epoch_ = 0;
  bool new_nodes_first_ = false;
  uint64_t dropped_ = 0, unordered_ = 0;
  SpinLock lock_;
};

} // namespace fencedep
