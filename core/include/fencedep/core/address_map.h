// A lock-free-readable open-addressing map from a non-zero 64-bit key to a
// 64-bit value, with its maximum capacity reserved at init. Lookups never
// lock; inserts and erases take a spin lock. When full, inserts fail and are
// counted (the caller degrades), they never abort the host.
//
// The table in use is a prefix of the reservation that doubles in place as
// it fills (readers retry around the rehash, like a purge): random keys then
// touch pages in proportion to what is stored, not to the reservation. A
// table of 2 M slots that holds 10 k classes otherwise takes a page fault,
// two with the zero page, for nearly every insert.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "fencedep/core/raw_memory.h"

namespace fencedep {

class AddressMap {
public:
  // `dense`: keys will touch the whole table (see raw_map_dense).
  bool init(size_t capacity_pow2, bool dense = false);
  bool ready() const { return slots_ != nullptr; }

  // Returns true and sets *value when present.
  bool find(uint64_t key, uint64_t *value) const;
  // Inserts or overwrites. False when the table is full.
  bool put(uint64_t key, uint64_t value);
  // Inserts only if absent; returns the value now stored (existing or new),
  // or `value` with *inserted=false,*full=true when out of room.
  uint64_t put_if_absent(uint64_t key, uint64_t value, bool *inserted);
  void erase(uint64_t key);
  void clear();

  size_t size() const { return size_.load(std::memory_order_relaxed); }
  // The most it can hold, as reserved (the table in use may be smaller).
  size_t capacity() const { return max_mask_ + 1; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  void reset_lock() {
    lock_.reset();
    seq_.store(seq_.load(std::memory_order_relaxed) & ~1u, std::memory_order_relaxed);
  }

private:
  struct Slot {
    std::atomic<uint64_t> key;
    std::atomic<uint64_t> value;
  };
  static constexpr uint64_t kEmpty = 0;
  static constexpr uint64_t kTombstone = ~0ull;
  static constexpr size_t kInitialSlots = 1024;
  size_t probe_insert_locked(uint64_t key);
  // Rehashes in place into `new_cap` slots, dropping tombstones; readers
  // retry around it (seqlock).
  void rehash_locked(size_t new_cap);

  Slot *slots_ = nullptr;
  size_t max_mask_ = 0;
  std::atomic<size_t> mask_{0}; // of the prefix in use
  std::atomic<size_t> size_{0};
  std::atomic<size_t> used_{0}; // live + tombstones
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint32_t> seq_{0}; // odd while a purge rewrites the slots
  SpinLock lock_;
};

} // namespace fencedep
