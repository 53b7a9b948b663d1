#include "fencedep/core/wait_evidence.h"

namespace fencedep {

static constexpr uint64_t kMulti = 1ull << 63;

static uint64_t sample_key(EdgeId e, uint64_t inst) {
  uint64_t k = mix64(inst * 0x9e3779b97f4a7c15ull + e);
  return k == 0 || k == ~0ull ? 2 : k;
}

bool WaitEvidence::init(uint32_t max_edges, uint32_t max_samples) {
  return samples_.init(max_samples) && head_.init(max_edges) && edge_tids_.init(max_edges) &&
         index_.init(size_t(max_samples) * 2) && waiters_.init(size_t(max_samples) * 2);
}

bool WaitEvidence::note(EdgeId e, uint64_t inst, uint32_t tid) {
  if (!inst || e >= head_.capacity())
    return false;
  uint64_t key = sample_key(e, inst);
  uint64_t v;
  // Already known from this thread (or from several): nothing new, no lock.
  if (index_.find(key, &v) && (samples_[v].multi || samples_[v].tid == tid))
    return false;
  SpinGuard g(lock_);
  uint64_t &t = edge_tids_[e];
  if (uint32_t(t) == 0)
    t = tid;
  else if (uint32_t(t) != tid && (t >> 32) == 0)
    t |= uint64_t(tid) << 32;
  if (index_.find(key, &v)) {
    Sample &s = samples_[v];
    if (s.multi || s.tid == tid)
      return false;
    s.multi = true;
    return true;
  }
  if (next_ >= samples_.capacity()) {
    ++dropped_;
    return false;
  }
  uint32_t id = next_++;
  samples_[id] = Sample{inst, tid, head_[e], false};
  head_[e] = id;
  if (!index_.put(key, id))
    ++dropped_;
  return true;
}

void WaitEvidence::note_waiter(uint64_t inst, uint32_t tid) {
  if (!inst)
    return;
  uint64_t v;
  if (waiters_.find(inst, &v) && ((v & kMulti) || v == tid))
    return;
  SpinGuard g(lock_);
  if (!waiters_.find(inst, &v))
    waiters_.put(inst, tid);
  else if (!(v & kMulti) && v != tid)
    waiters_.put(inst, kMulti);
}

const WaitEvidence::Sample *WaitEvidence::find(EdgeId e, uint64_t inst) const {
  uint64_t v;
  return index_.find(sample_key(e, inst), &v) ? &samples_[v] : nullptr;
}

void WaitEvidence::tids(EdgeId e, uint32_t *a, uint32_t *b) const {
  uint64_t t = edge_tids_[e];
  *a = uint32_t(t);
  *b = uint32_t(t >> 32);
}

CycleStatus WaitEvidence::hop(EdgeId in, EdgeId out, bool timeline) const {
  if (!head_[in] || !head_[out])
    return CycleStatus::Confirmed; // nothing known about its objects
  uint32_t ia, ib, oa, ob;
  tids(in, &ia, &ib);
  tids(out, &oa, &ob);
  // Is there a waiter on `in` other than `s`?
  auto other_waiter = [&](uint32_t s) { return (ia && ia != s) || (ib && ib != s); };
  if (timeline)
    return other_waiter(oa) || (ob && other_waiter(ob)) ? CycleStatus::Confirmed
                                                        : CycleStatus::Hidden;
  CycleStatus best = CycleStatus::Hidden;
  for (uint32_t id = head_[out]; id; id = samples_[id].next) {
    const Sample &s = samples_[id];
    if (const Sample *w = find(in, s.inst)) {
      // The same object waited on by one thread and signalled by another.
      if (w->multi || s.multi || w->tid != s.tid)
        return CycleStatus::Confirmed;
    }
    if (best == CycleStatus::Predicted)
      continue;
    uint64_t waiters = 0;
    bool self_waiter = !s.multi && waiters_.find(s.inst, &waiters) && waiters == s.tid;
    if (!self_waiter && (s.multi || other_waiter(s.tid)))
      best = CycleStatus::Predicted;
  }
  return best;
}

} // namespace fencedep
