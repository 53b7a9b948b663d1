#include "fencedep/core/instance_graph.h"

#include <algorithm>

namespace fencedep {

static uint64_t pair_key(uint64_t from, uint64_t to) {
  uint64_t k = mix64(from * 31 + mix64(to));
  return k == 0 || k == ~0ull ? 2 : k;
}

bool InstanceGraph::init(uint32_t max_nodes, uint32_t max_links, bool new_nodes_first) {
  new_nodes_first_ = new_nodes_first;
  max_nodes_ = max_nodes;
  max_links_ = max_links;
  return nodes_.init(size_t(max_nodes) * 2) && pairs_.init(size_t(max_links) * 2) &&
         links_.init(max_links) && head_.init(max_nodes) && inst_.init(max_nodes) &&
         class_.init(max_nodes) && visit_.init(size_t(max_nodes) * 2) &&
         parent_.init(size_t(max_nodes) * 2) && parent_state_.init(size_t(max_nodes) * 2) &&
         queue_.init(size_t(max_nodes) * 2) && in_head_.init(max_nodes) &&
         ord_.init(max_nodes) && mark_.init(max_nodes) && fwd_.init(max_nodes) &&
         bwd_.init(max_nodes) && ords_.init(max_nodes);
}

uint32_t InstanceGraph::node(uint64_t inst, ClassId cls, bool create) {
  uint64_t v;
  if (nodes_.find(inst, &v))
    return uint32_t(v);
  if (!create || next_node_ >= max_nodes_)
    return 0;
  uint32_t n = next_node_++;
  head_[n] = 0;
  in_head_[n] = 0;
  // A new node has no links: first or last in the order is right.
  ord_[n] = new_nodes_first_ ? 0x80000000u - n : n;
  inst_[n] = inst;
  class_[n] = cls;
  nodes_.put(inst, n);
  return n;
}

bool InstanceGraph::has(uint64_t from, uint64_t to) const {
  uint64_t v;
  return pairs_.find(pair_key(from, to), &v);
}

uint32_t InstanceGraph::add(uint64_t from, ClassId from_class, uint64_t to, ClassId to_class,
                            uint8_t type, uint32_t tid, StackId stack) {
  uint64_t key = pair_key(from, to);
  uint64_t v;
  if (pairs_.find(key, &v) && (links_[uint32_t(v)].types & type))
    return 0;
  SpinGuard g(lock_);
  if (pairs_.find(key, &v)) {
    InstanceLink &l = links_[uint32_t(v)];
    if (l.types & type)
      return 0;
    l.types |= type;
    return uint32_t(v);
  }
  uint32_t nf = node(from, from_class, true);
  uint32_t nt = node(to, to_class, true);
  if (!nf || !nt || next_link_ >= max_links_) {
    ++dropped_;
    return 0;
  }
  uint32_t id = next_link_++;
  links_[id] = InstanceLink{nf, nt, head_[nf], in_head_[nt], tid, stack, type, false, false};
  head_[nf] = id;
  in_head_[nt] = id;
  pairs_.put(key, id);
  return id;
}

void InstanceGraph::clear_out(uint64_t inst) {
  SpinGuard g(lock_);
  if (uint32_t n = node(inst, kNoClass, false)) {
    for (uint32_t l = head_[n]; l; l = links_[l].next) {
      InstanceLink &k = links_[l];
      pairs_.erase(pair_key(inst, inst_[k.to]));
      k.dead = true; // still on its target's in-list: skipped there
    }
    head_[n] = 0;
  }
}

void InstanceGraph::forget(uint64_t inst) {
  SpinGuard g(lock_);
  if (uint32_t n = node(inst, kNoClass, false)) {
    for (uint32_t l = head_[n]; l; l = links_[l].next)
      pairs_.erase(pair_key(inst, inst_[links_[l].to]));
    for (uint32_t l = in_head_[n]; l; l = links_[l].next_in)
      pairs_.erase(pair_key(inst_[links_[l].from], inst));
    nodes_.erase(inst);
  }
}

bool InstanceGraph::sweep(uint32_t start, bool forward, uint32_t bound, uint32_t target,
                          RawArray<uint32_t> &seen, uint32_t *nseen) {
  uint32_t top = 0;
  queue_[top++] = start;
  mark_[start] = mark_epoch_;
  while (top) {
    uint32_t n = queue_[--top];
    seen[(*nseen)++] = n;
    for (uint32_t l = forward ? head_[n] : in_head_[n]; l;
         l = forward ? links_[l].next : links_[l].next_in) {
      const InstanceLink &k = links_[l];
      if (k.dead || k.unordered)
        continue;
      uint32_t m = forward ? k.to : k.from;
      if (m == target)
        return true;
      if (mark_[m] == mark_epoch_ || (forward ? ord_[m] >= bound : ord_[m] <= bound))
        continue;
      mark_[m] = mark_epoch_;
      queue_[top++] = m;
    }
  }
  return false;
}

bool InstanceGraph::may_close_cycle(uint32_t id) {
  SpinGuard g(lock_);
  InstanceLink &l = links_[id];
  uint32_t x = l.from, y = l.to;
  // Once a link lies outside the order (it closed a cycle of links that
  // read holds keep from deadlocking), paths may leave the order anywhere:
  // only a search of the graph can tell.
  if (l.unordered || unordered_)
    return true;
  if (ord_[x] < ord_[y])
    return false; // agrees with the order: no path back from y to x
  if (++mark_epoch_ == 0) {
    for (size_t i = 0; i < mark_.capacity(); ++i)
      mark_[i] = 0;
    mark_epoch_ = 1;
  }
  // Forward from y through nodes ordered below x: reaching x is a cycle.
  uint32_t nf = 0, nb = 0;
  if (sweep(y, true, ord_[x], x, fwd_, &nf)) {
    l.unordered = true;
    ++unordered_;
    return true;
  }
  // Backward from x through nodes ordered above y; then give the nodes
  // that reach x the lowest of the affected places, those y reaches the
  // rest, each group keeping its own order.
  sweep(x, false, ord_[y], y, bwd_, &nb);
  auto by_ord = [this](uint32_t a, uint32_t b) { return ord_[a] < ord_[b]; };
  std::sort(&bwd_[0], &bwd_[0] + nb, by_ord);
  std::sort(&fwd_[0], &fwd_[0] + nf, by_ord);
  uint32_t n = 0;
  for (uint32_t i = 0; i < nb; ++i)
    ords_[n++] = ord_[bwd_[i]];
  for (uint32_t i = 0; i < nf; ++i)
    ords_[n++] = ord_[fwd_[i]];
  std::sort(&ords_[0], &ords_[0] + n);
  n = 0;
  for (uint32_t i = 0; i < nb; ++i)
    ord_[bwd_[i]] = ords_[n++];
  for (uint32_t i = 0; i < nf; ++i)
    ord_[fwd_[i]] = ords_[n++];
  return false;
}

bool InstanceGraph::find_path(uint64_t from, uint64_t to, const ClassId *classes, uint32_t n,
                              bool entered_read, bool closing_src_read, InstancePath *out) {
  SpinGuard g(lock_);
  uint32_t start = node(from, kNoClass, false);
  uint32_t target = node(to, kNoClass, false);
  if (!start || !target || start == target)
    return false;
  auto allowed = [&](uint32_t nd) {
    if (n == 0)
      return true;
    for (uint32_t i = 0; i < n; ++i)
      if (classes[i] == class_[nd])
        return true;
    return false;
  };
  if (++epoch_ == 0) {
    for (size_t i = 0; i < visit_.capacity(); ++i)
      visit_[i] = 0;
    epoch_ = 1;
  }
  // States are (node, entered by a read): lockdep's strong-path rule.
  auto state = [](uint32_t nd, bool read) { return (nd << 1) | (read ? 1u : 0u); };
  uint32_t head = 0, tail = 0;
  uint32_t s0 = state(start, entered_read);
  visit_[s0] = epoch_;
  queue_[tail++] = s0;
  while (head < tail) {
    uint32_t cur = queue_[head++];
    uint32_t nd = cur >> 1;
    bool in_read = cur & 1;
    for (uint32_t l = head_[nd]; l; l = links_[l].next) {
      const InstanceLink &k = links_[l];
      if (k.dead || !allowed(k.to))
        continue;
      for (int dr = 0; dr < 2; ++dr) {
        // Leaving a node entered by a read needs a write hold of it.
        uint8_t ok = in_read ? (dr ? kDepNR : kDepNN) : (dr ? (kDepNR | kDepRR) : (kDepNN | kDepRN));
        if (!(k.types & ok))
          continue;
        uint32_t ns = state(k.to, dr);
        if (visit_[ns] == epoch_ || tail >= queue_.capacity())
          continue;
        visit_[ns] = epoch_;
        parent_[ns] = l;
        parent_state_[ns] = cur;
        if (k.to == target && !(dr && closing_src_read)) {
          uint32_t len = 0;
          for (uint32_t st = ns; st != s0; st = parent_state_[st])
            ++len;
          // The closing link comes first in a report: keep room for it.
          out->total = len;
          out->size = len < kMaxCycle - 1 ? len : kMaxCycle - 1;
          uint32_t pos = len;
          for (uint32_t st = ns; st != s0; st = parent_state_[st])
            if (--pos < out->size)
              out->links[pos] = parent_[st];
          return true;
        }
        if (k.to != target)
          queue_[tail++] = ns;
      }
    }
  }
  return false;
}

} // namespace fencedep
