#include "fencedep/core/wait_evidence.h"

namespace fencedep {

static uint64_t nonzero(uint64_t k) { return k == 0 || k == ~0ull ? 2 : k; }

uint64_t WaitEvidence::from_key(EdgeId e, uint64_t from) {
  return nonzero(mix64(from * 0x9e3779b97f4a7c15ull + e + 0x51));
}

uint64_t WaitEvidence::to_key(EdgeId e, uint64_t to) {
  return nonzero(mix64(to * 0xc2b2ae3d27d4eb4full + e + 0x7b));
}

static uint64_t sample_key(EdgeId e, uint64_t from, uint64_t to, uint32_t peer,
                           uint32_t epoch, uint32_t exits, bool after_wait, uint8_t how,
                           uint32_t after_lifetime_of) {
  return nonzero((mix64(mix64(mix64(from + e) * 31 + to) + (uint64_t(peer) << 32 | epoch)) +
                  exits + (uint64_t(after_wait) << 40) + (uint64_t(after_lifetime_of) << 41)) ^
                 (uint64_t(how) << 59));
}

bool WaitEvidence::init(uint32_t max_edges, uint32_t max_samples) {
  return samples_.init(max_samples) && head_.init(max_edges) &&
         index_.init(size_t(max_samples) * 2) && by_from_.init(size_t(max_samples) * 2) &&
         by_to_.init(size_t(max_samples) * 2) &&
         generations_.init(1u << 18);
}

void WaitEvidence::forget(uint64_t inst) {
  if (!inst)
    return;
  SpinGuard g(lock_);
  uint64_t n = 0;
  generations_.find(inst, &n);
  // A full map keeps the old identity: the evidence is then as coarse as
  // addresses, never wrong about an object that still exists.
  generations_.put(inst, n + 1);
  any_forgotten_.store(true, std::memory_order_release);
}

uint64_t WaitEvidence::versioned(uint64_t inst) const {
  uint64_t n;
  // Most programs destroy few locks: one flag spares them the lookup.
  if (!inst || !any_forgotten_.load(std::memory_order_acquire) || !generations_.find(inst, &n))
    return inst;
  // Host addresses use the low 47 bits; the generation goes above them.
  return inst ^ (n << 48);
}

bool WaitEvidence::note(EdgeId e, uint64_t from, uint64_t to, uint32_t tid, uint32_t peer,
                        uint32_t epoch, uint32_t exits, bool after_wait, uint8_t how,
                        uint32_t after_lifetime_of) {
  if (e >= head_.capacity() || (!from && !to))
    return false;
  uint64_t key = sample_key(e, from, to, peer, epoch, exits, after_wait, how, after_lifetime_of);
  uint64_t v;
  // Known from this thread (or from several): nothing new, no lock.
  if (index_.find(key, &v) && (samples_[v].multi || samples_[v].tid == tid))
    return false;
  SpinGuard g(lock_);
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
  uint64_t fk = from_key(e, from);
  uint64_t tk = to_key(e, to);
  uint64_t first_from = 0, first_to = 0;
  by_from_.find(fk, &first_from);
  by_to_.find(tk, &first_to);
  samples_[id] = Sample{from,     to,    tid,        peer,
                         epoch,    exits, false,      after_wait,
                         after_lifetime_of, how,     head_[e],   uint32_t(first_from),
                         uint32_t(first_to)};
  head_[e] = id;
  if (!by_from_.put(fk, id) || !by_to_.put(tk, id) || !index_.put(key, id))
    ++dropped_;
  return true;
}

} // namespace fencedep
