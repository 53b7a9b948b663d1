// The class-level dependency graph. An edge A -> B means: while holding or
// being inside A, a context acquired or waited on B (or A is signalled only
// after B). A known edge costs one lock-free hash probe; only a new edge (or
// a new dependency type on a known edge) runs the cycle search, a BFS that
// returns the shortest cycle through that edge under lockdep's strong-path
// rule for read locks.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

inline constexpr unsigned kMaxGates = 4;
inline constexpr unsigned kMaxCycle = 32;

struct EdgeInfo {
  ClassId from = kNoClass;
  ClassId to = kNoClass;
  EdgeKind kind = EdgeKind::Acquire; // of the first occurrence
  std::atomic<uint8_t> types{0};     // kDepNN | kDepNR | kDepRN | kDepRR
  // Write-held locks held at every occurrence so far (besides `from`): a
  // cycle whose edges all share one is impossible ("gate lock").
  std::atomic<uint8_t> ngates{0};
  ClassId gates[kMaxGates] = {};
  uint32_t tid = 0;
  uint32_t pid = 0;
  StackId stack = kNoStack;  // where `to` was entered (first occurrence)
  uint64_t from_pc = 0;      // where `from` was entered, when known
  uint32_t trace = 0;        // trace file index (offline analysis), else 0
  // The instances behind the first occurrence (0 when none): the lock held
  // and the one taken, or the object waited on / signalled.
  uint64_t from_inst = 0;
  uint64_t to_inst = 0;
  // Part of a class cycle that is not instance-confirmed yet: every
  // occurrence is looked at, none answered from a cache.
  std::atomic<uint8_t> watched{0};
  std::atomic<EdgeId> next_out{kNoEdge};
};

struct Cycle {
  EdgeId edges[kMaxCycle];
  uint32_t size = 0;
  bool truncated = false; // longer than kMaxCycle: only its beginning is kept
};

// What the caller knows about a new occurrence of an edge.
struct EdgeOccurrence {
  ClassId from;
  ClassId to;
  EdgeKind kind;
  bool src_read;
  bool dst_read;
  const ClassId *gates; // write-held locks besides `from`
  uint32_t ngates;
  const ClassId *held;  // everything held now, to intersect gates on re-occurrence
  uint32_t nheld;
  uint32_t tid;
  uint32_t pid;
  uint64_t from_pc;
  uint32_t trace;
  uint64_t from_inst = 0;
  uint64_t to_inst = 0;
};

class DepGraph {
public:
  static constexpr uint32_t kDefaultEdges = 1u << 21;

  bool init(uint32_t max_classes, uint32_t max_edges = kDefaultEdges);

  // GatesNarrowed: known, but an occurrence without one of its gates was seen.
  enum class AddResult { Known, New, NewType, GatesNarrowed, Full };
  // Records an occurrence. For New/NewType, *edge is set and the caller
  // should capture a stack (set_stack) and run find_cycle.
  AddResult add(const EdgeOccurrence &occ, EdgeId *edge);
  void set_stack(EdgeId e, StackId s) { edges_[e].stack = s; }

  // Shortest strong cycle that contains edge `e` (any of its types), not
  // going through the `nbanned` edges of `banned`.
  bool find_cycle(EdgeId e, Cycle *out, const EdgeId *banned = nullptr, uint32_t nbanned = 0);
  // Common gate of all edges of a cycle not itself part of the cycle.
  ClassId common_gate(const Cycle &c) const;

  EdgeInfo &edge(EdgeId e) { return edges_[e]; }
  const EdgeInfo &edge(EdgeId e) const { return edges_[e]; }
  EdgeId find_edge(ClassId from, ClassId to) const;
  EdgeId first_out(ClassId c) const { return out_head_[c].load(std::memory_order_acquire); }
  uint32_t size() const { return next_.load(std::memory_order_acquire) - 1; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  void reset_locks_after_fork() { lock_.reset(); index_.reset_lock(); }

private:
  bool bfs(EdgeId start, uint8_t type, Cycle *out, const EdgeId *banned, uint32_t nbanned);

  RawArray<EdgeInfo> edges_;
  RawArray<std::atomic<EdgeId>> out_head_;
  AddressMap index_;
  SpinLock lock_;
  std::atomic<uint32_t> next_{1};
  uint32_t max_edges_ = 0;
  uint32_t max_classes_ = 0;
  std::atomic<uint64_t> dropped_{0};

  // BFS scratch, used under search_lock_. States are (class, entered-by-read).
  SpinLock search_lock_;
  RawArray<uint32_t> visit_epoch_;
  RawArray<EdgeId> parent_edge_;
  RawArray<uint32_t> parent_state_;
  RawArray<uint32_t> queue_;
  uint32_t epoch_ = 0;
};

} // namespace fencedep
