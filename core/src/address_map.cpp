#include "fencedep/core/address_map.h"

#include <sched.h>

namespace fencedep {

bool AddressMap::init(size_t capacity_pow2, bool dense) {
  size_t cap = 16;
  while (cap < capacity_pow2)
    cap <<= 1;
  slots_ = static_cast<Slot *>(dense ? raw_map_dense(cap * sizeof(Slot))
                                     : raw_map(cap * sizeof(Slot)));
  if (!slots_)
    return false;
  max_mask_ = cap - 1;
  mask_.store((cap < kInitialSlots ? cap : kInitialSlots) - 1, std::memory_order_relaxed);
  return true;
}

static uint64_t normalize(uint64_t key) {
  // 0 and ~0 are reserved markers; remap them.
  if (key == 0)
    return 0x9e3779b97f4a7c15ULL;
  if (key == ~0ull)
    return 0x7f4a7c159e3779b9ULL;
  return key;
}

bool AddressMap::find(uint64_t key, uint64_t *value) const {
  if (!slots_)
    return false;
  key = normalize(key);
  for (;;) {
    uint32_t s1 = seq_.load(std::memory_order_acquire);
    if (s1 & 1) {
      sched_yield();
      continue;
    }
    bool found = false;
    uint64_t v = 0;
    size_t mask = mask_.load(std::memory_order_acquire);
    size_t i = mix64(key) & mask;
    for (size_t n = 0; n <= mask; ++n, i = (i + 1) & mask) {
      uint64_t k = slots_[i].key.load(std::memory_order_acquire);
      if (k == key) {
        v = slots_[i].value.load(std::memory_order_acquire);
        found = true;
        break;
      }
      if (k == kEmpty)
        break;
    }
    if (seq_.load(std::memory_order_acquire) != s1)
      continue; // a rehash moved slots under us
    if (found)
      *value = v;
    return found;
  }
}

void AddressMap::rehash_locked(size_t new_cap) {
  size_t cap = mask_.load(std::memory_order_relaxed) + 1;
  size_t live = size_.load(std::memory_order_relaxed);
  Slot *tmp = static_cast<Slot *>(raw_map(live * sizeof(Slot) + sizeof(Slot)));
  if (!tmp)
    return;
  size_t n = 0;
  for (size_t i = 0; i < cap; ++i) {
    uint64_t k = slots_[i].key.load(std::memory_order_relaxed);
    if (k != kEmpty && k != kTombstone && n < live) {
      tmp[n].key.store(k, std::memory_order_relaxed);
      tmp[n].value.store(slots_[i].value.load(std::memory_order_relaxed),
                         std::memory_order_relaxed);
      ++n;
    }
  }
  seq_.fetch_add(1, std::memory_order_acq_rel);
  // Slots past the old prefix were never used: still zero (kEmpty).
  for (size_t i = 0; i < cap; ++i)
    slots_[i].key.store(kEmpty, std::memory_order_relaxed);
  size_t mask = new_cap - 1;
  mask_.store(mask, std::memory_order_relaxed);
  for (size_t j = 0; j < n; ++j) {
    uint64_t k = tmp[j].key.load(std::memory_order_relaxed);
    size_t i = mix64(k) & mask;
    while (slots_[i].key.load(std::memory_order_relaxed) != kEmpty)
      i = (i + 1) & mask;
    slots_[i].value.store(tmp[j].value.load(std::memory_order_relaxed), std::memory_order_relaxed);
    slots_[i].key.store(k, std::memory_order_relaxed);
  }
  used_.store(n, std::memory_order_relaxed);
  seq_.fetch_add(1, std::memory_order_acq_rel);
  raw_unmap(tmp, live * sizeof(Slot) + sizeof(Slot));
}

size_t AddressMap::probe_insert_locked(uint64_t key) {
  size_t mask = mask_.load(std::memory_order_relaxed);
  size_t i = mix64(key) & mask;
  size_t first_tomb = ~size_t(0);
  for (size_t n = 0; n <= mask; ++n, i = (i + 1) & mask) {
    uint64_t k = slots_[i].key.load(std::memory_order_relaxed);
    if (k == key)
      return i;
    if (k == kTombstone && first_tomb == ~size_t(0))
      first_tomb = i;
    if (k == kEmpty)
      return first_tomb != ~size_t(0) ? first_tomb : i;
  }
  return first_tomb;
}

uint64_t AddressMap::put_if_absent(uint64_t key, uint64_t value, bool *inserted) {
  *inserted = false;
  if (!slots_)
    return value;
  key = normalize(key);
  SpinGuard g(lock_);
  size_t i = probe_insert_locked(key);
  if (i == ~size_t(0)) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return value;
  }
  uint64_t k = slots_[i].key.load(std::memory_order_relaxed);
  if (k == key)
    return slots_[i].value.load(std::memory_order_relaxed);
  // Keep the load factor under 3/4 so probes stay short and reads terminate.
  auto over = [&] {
    return (used_.load(std::memory_order_relaxed) + 1) * 4 >
           (mask_.load(std::memory_order_relaxed) + 1) * 3;
  };
  if (k == kEmpty && over()) {
    // Mostly tombstones: reclaim them; else grow while the reservation
    // allows. Then probe again.
    size_t cap = mask_.load(std::memory_order_relaxed) + 1;
    if (size_.load(std::memory_order_relaxed) * 2 < used_.load(std::memory_order_relaxed))
      rehash_locked(cap);
    else if (cap <= max_mask_)
      rehash_locked(cap * 2);
    i = probe_insert_locked(key);
    k = i == ~size_t(0) ? kTombstone : slots_[i].key.load(std::memory_order_relaxed);
    if (i == ~size_t(0) || (k == kEmpty && over())) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return value;
    }
  }
  if (k == kEmpty)
    used_.fetch_add(1, std::memory_order_relaxed);
  slots_[i].value.store(value, std::memory_order_relaxed);
  slots_[i].key.store(key, std::memory_order_release);
  size_.fetch_add(1, std::memory_order_relaxed);
  *inserted = true;
  return value;
}

bool AddressMap::put(uint64_t key, uint64_t value) {
  if (!slots_)
    return false;
  uint64_t nkey = normalize(key);
  {
    SpinGuard g(lock_);
    size_t i = probe_insert_locked(nkey);
    if (i != ~size_t(0) && slots_[i].key.load(std::memory_order_relaxed) == nkey) {
      slots_[i].value.store(value, std::memory_order_release);
      return true;
    }
  }
  bool inserted;
  put_if_absent(key, value, &inserted);
  return inserted;
}

void AddressMap::erase(uint64_t key) {
  if (!slots_)
    return;
  key = normalize(key);
  SpinGuard g(lock_);
  size_t mask = mask_.load(std::memory_order_relaxed);
  size_t i = mix64(key) & mask;
  for (size_t n = 0; n <= mask; ++n, i = (i + 1) & mask) {
    uint64_t k = slots_[i].key.load(std::memory_order_relaxed);
    if (k == key) {
      slots_[i].key.store(kTombstone, std::memory_order_release);
      size_.fetch_sub(1, std::memory_order_relaxed);
      return;
    }
    if (k == kEmpty)
      return;
  }
}

void AddressMap::clear() {
  if (!slots_)
    return;
  SpinGuard g(lock_);
  for (size_t i = 0, n = mask_.load(std::memory_order_relaxed); i <= n; ++i)
    slots_[i].key.store(kEmpty, std::memory_order_relaxed);
  size_.store(0);
  used_.store(0);
}

} // namespace fencedep
