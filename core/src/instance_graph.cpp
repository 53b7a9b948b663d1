#include "fencedep/core/instance_graph.h"

namespace fencedep {

static uint64_t pair_key(uint64_t from, uint64_t to) {
  uint64_t k = mix64(from * 31 + mix64(to));
  return k == 0 || k == ~0ull ? 2 : k;
}

bool InstanceGraph::init(uint32_t max_nodes, uint32_t max_links) {
  max_nodes_ = max_nodes;
  max_links_ = max_links;
  return nodes_.init(size_t(max_nodes) * 2) && pairs_.init(size_t(max_links) * 2) &&
         links_.init(max_links) && head_.init(max_nodes) && inst_.init(max_nodes) &&
         class_.init(max_nodes) && visit_.init(size_t(max_nodes) * 2) &&
         parent_.init(size_t(max_nodes) * 2) && parent_state_.init(size_t(max_nodes) * 2) &&
         queue_.init(size_t(max_nodes) * 2);
}

uint32_t InstanceGraph::node(uint64_t inst, ClassId cls, bool create) {
  uint64_t v;
  if (nodes_.find(inst, &v))
    return uint32_t(v);
  if (!create || next_node_ >= max_nodes_)
    return 0;
  uint32_t n = next_node_++;
  head_[n] = 0;
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
  links_[id] = InstanceLink{nf, nt, head_[nf], tid, stack, type};
  head_[nf] = id;
  pairs_.put(key, id);
  return id;
}

void InstanceGraph::clear_out(uint64_t inst) {
  SpinGuard g(lock_);
  if (uint32_t n = node(inst, kNoClass, false)) {
    for (uint32_t l = head_[n]; l; l = links_[l].next) {
      const InstanceLink &k = links_[l];
      pairs_.erase(pair_key(inst, inst_[k.to]));
    }
    head_[n] = 0;
  }
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
      if (!allowed(k.to))
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
