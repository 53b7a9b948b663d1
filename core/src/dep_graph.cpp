#include "fencedep/core/dep_graph.h"

namespace fencedep {

static uint64_t edge_key(ClassId from, ClassId to) {
  return (uint64_t(from) << 32) | to;
}

bool DepGraph::init(uint32_t max_classes, uint32_t max_edges) {
  max_classes_ = max_classes;
  max_edges_ = max_edges;
  return edges_.init(max_edges) && out_head_.init(max_classes) &&
         index_.init(size_t(max_edges) * 2) && visit_epoch_.init(size_t(max_classes) * 2) &&
         parent_edge_.init(size_t(max_classes) * 2) &&
         parent_state_.init(size_t(max_classes) * 2) && queue_.init(size_t(max_classes) * 2);
}

EdgeId DepGraph::find_edge(ClassId from, ClassId to) const {
  uint64_t v;
  return index_.find(edge_key(from, to), &v) ? EdgeId(v) : kNoEdge;
}

// Drops gates that are not held any more: a gate must cover every occurrence.
// Returns true when the set shrank.
static bool intersect_gates(EdgeInfo &e, const EdgeOccurrence &occ) {
  uint8_t n = e.ngates.load(std::memory_order_acquire);
  if (n == 0)
    return false;
  ClassId keep[kMaxGates];
  uint8_t k = 0;
  for (uint8_t i = 0; i < n; ++i) {
    for (uint32_t j = 0; j < occ.ngates; ++j) {
      if (occ.gates[j] == e.gates[i]) {
        keep[k++] = e.gates[i];
        break;
      }
    }
  }
  if (k == n)
    return false;
  for (uint8_t i = 0; i < k; ++i)
    e.gates[i] = keep[i];
  e.ngates.store(k, std::memory_order_release);
  return true;
}

DepGraph::AddResult DepGraph::add(const EdgeOccurrence &occ, EdgeId *out) {
  uint8_t type = dep_type(occ.src_read, occ.dst_read);
  EdgeId id = find_edge(occ.from, occ.to);
  if (id != kNoEdge) {
    EdgeInfo &e = edges_[id];
    *out = id;
    // A cycle hidden behind a gate this occurrence did not hold is real now.
    bool narrowed = false;
    if (e.ngates.load(std::memory_order_relaxed)) {
      SpinGuard g(lock_);
      narrowed = intersect_gates(e, occ);
    }
    uint8_t old = e.types.load(std::memory_order_relaxed);
    if (old & type)
      return narrowed ? AddResult::GatesNarrowed : AddResult::Known;
    old = e.types.fetch_or(type, std::memory_order_acq_rel);
    return (old & type) ? AddResult::Known : AddResult::NewType;
  }
  SpinGuard g(lock_);
  id = find_edge(occ.from, occ.to);
  if (id != kNoEdge) {
    *out = id;
    uint8_t old = edges_[id].types.fetch_or(type, std::memory_order_acq_rel);
    return (old & type) ? AddResult::Known : AddResult::NewType;
  }
  id = next_.load(std::memory_order_relaxed);
  if (id >= max_edges_ || occ.from >= max_classes_ || occ.to >= max_classes_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return AddResult::Full;
  }
  EdgeInfo &e = edges_[id];
  e.from = occ.from;
  e.to = occ.to;
  e.kind = occ.kind;
  e.types.store(type, std::memory_order_relaxed);
  uint8_t ng = 0;
  for (uint32_t i = 0; i < occ.ngates && ng < kMaxGates; ++i)
    e.gates[ng++] = occ.gates[i];
  e.ngates.store(ng, std::memory_order_relaxed);
  e.tid = occ.tid;
  e.pid = occ.pid;
  e.from_pc = occ.from_pc;
  e.trace = occ.trace;
  e.from_inst = occ.from_inst;
  e.to_inst = occ.to_inst;
  e.watched.store(0, std::memory_order_relaxed);
  e.next_out.store(out_head_[occ.from].load(std::memory_order_relaxed),
                   std::memory_order_relaxed);
  bool inserted;
  index_.put_if_absent(edge_key(occ.from, occ.to), id, &inserted);
  if (!inserted) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return AddResult::Full;
  }
  next_.store(id + 1, std::memory_order_release);
  out_head_[occ.from].store(id, std::memory_order_release);
  *out = id;
  return AddResult::New;
}

bool DepGraph::find_cycle(EdgeId e, Cycle *out, const EdgeId *banned, uint32_t nbanned) {
  uint8_t types = edges_[e].types.load(std::memory_order_acquire);
  Cycle best;
  bool found = false;
  for (uint8_t t = 1; t <= kDepRR; t <<= 1) {
    if (!(types & t))
      continue;
    Cycle c;
    if (bfs(e, t, &c, banned, nbanned) && (!found || c.size < best.size)) {
      best = c;
      found = true;
    }
  }
  if (found)
    *out = best;
  return found;
}

// BFS from the new edge's destination back to its source. A state is a class
// plus whether it was entered by a (recursive) read; lockdep's rule: a path
// may not enter a class by read and leave it from a read hold, since two
// readers do not exclude each other.
bool DepGraph::bfs(EdgeId start, uint8_t type, Cycle *out, const EdgeId *banned,
                   uint32_t nbanned) {
  auto is_banned = [&](EdgeId id) {
    for (uint32_t i = 0; i < nbanned; ++i)
      if (banned[i] == id)
        return true;
    return false;
  };
  SpinGuard g(search_lock_);
  const EdgeInfo &s = edges_[start];
  bool start_src_read = type & (kDepRN | kDepRR);
  bool start_dst_read = type & (kDepNR | kDepRR);
  if (s.from == s.to)
    return false; // same-class nesting is judged per instance elsewhere
  if (++epoch_ == 0) {
    for (size_t i = 0; i < visit_epoch_.capacity(); ++i)
      visit_epoch_[i] = 0;
    epoch_ = 1;
  }
  auto state = [](ClassId c, bool read) { return (uint32_t(c) << 1) | (read ? 1u : 0u); };
  uint32_t head = 0, tail = 0;
  uint32_t s0 = state(s.to, start_dst_read);
  visit_epoch_[s0] = epoch_;
  parent_edge_[s0] = start;
  queue_[tail++] = s0;
  while (head < tail) {
    uint32_t cur = queue_[head++];
    ClassId c = cur >> 1;
    bool entered_read = cur & 1;
    for (EdgeId id = out_head_[c].load(std::memory_order_acquire); id != kNoEdge;
         id = edges_[id].next_out.load(std::memory_order_acquire)) {
      const EdgeInfo &e = edges_[id];
      if (nbanned && is_banned(id))
        continue;
      uint8_t et = e.types.load(std::memory_order_acquire);
      for (int dr = 0; dr < 2; ++dr) {
        // Leaving `c`: a read-entered class may only be left from a write hold.
        uint8_t allowed = entered_read ? (dr ? kDepNR : kDepNN)
                                       : (dr ? (kDepNR | kDepRR) : (kDepNN | kDepRN));
        if (!(et & allowed))
          continue;
        if (e.to == s.from) {
          // Closing the cycle: entering `from` by read may not be followed by
          // the new edge leaving it from a read hold.
          if (dr && start_src_read)
            continue;
          // Walk parents back to the start state, then emit in order. A
          // path longer than a report holds keeps its beginning, so the
          // chain stays contiguous, and is marked truncated.
          uint32_t len = 0;
          for (uint32_t st = cur; st != s0; st = parent_state_[st])
            ++len;
          uint32_t pos = len;
          for (uint32_t st = cur; st != s0; st = parent_state_[st]) {
            --pos;
            if (1 + pos < kMaxCycle)
              out->edges[1 + pos] = parent_edge_[st];
          }
          out->edges[0] = start;
          out->truncated = len + 2 > kMaxCycle;
          if (!out->truncated) {
            out->edges[1 + len] = id;
            out->size = len + 2;
          } else {
            out->size = kMaxCycle;
          }
          return true;
        }
        uint32_t ns = state(e.to, dr);
        if (e.to >= max_classes_ || visit_epoch_[ns] == epoch_)
          continue;
        visit_epoch_[ns] = epoch_;
        parent_edge_[ns] = id;
        parent_state_[ns] = cur;
        queue_[tail++] = ns;
      }
    }
  }
  return false;
}

ClassId DepGraph::common_gate(const Cycle &c) const {
  if (c.size == 0)
    return kNoClass;
  const EdgeInfo &first = edges_[c.edges[0]];
  uint8_t n = first.ngates.load(std::memory_order_acquire);
  for (uint8_t i = 0; i < n; ++i) {
    ClassId g = first.gates[i];
    bool everywhere = true;
    for (uint32_t k = 0; k < c.size && everywhere; ++k) {
      const EdgeInfo &e = edges_[c.edges[k]];
      if (e.from == g || e.to == g) {
        everywhere = false;
        break;
      }
      bool has = false;
      uint8_t m = e.ngates.load(std::memory_order_acquire);
      for (uint8_t j = 0; j < m; ++j)
        has |= e.gates[j] == g;
      everywhere = has;
    }
    if (everywhere)
      return g;
  }
  return kNoClass;
}

} // namespace fencedep
