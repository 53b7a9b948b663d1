// Per-object data of the host's locks and wait objects, by address. Every
// lock operation that misses the thread's small class cache asks here, so
// the layout follows the host's memory: a directory of host pages, each
// with a block holding one word per 8-byte granule. Objects allocated
// together (an array of locks, the fields of a struct) share a block and
// a few cache lines, where a hash table over all objects would scatter
// them over its whole size - one TLB and cache miss per lookup, which
// made a loop over 100 k locks 50x slower than native. Objects not
// 8-byte aligned (spin locks are ints) go to a hash table beside it.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"

namespace fencedep::runtime {

class ObjectTable {
public:
  bool init(uint32_t max_pages);
  void reset_lock() {
    pages_.reset_lock();
    odd_.reset_lock();
    lock_.reset();
  }

  // Values are non-zero 63-bit words (bit 63 is the table's own).
  // Inline: every lock of an object the thread's class cache misses asks.
  bool find(uint64_t addr, uint64_t *value) const {
    if (__builtin_expect(addr & 7, 0))
      return odd_.find(addr, value);
    const Block *b = known_block(addr >> kPageBits);
    if (!b)
      return false;
    uint64_t w = b->slot[(addr >> 3) % kSlots].load(std::memory_order_acquire);
    if (!(w & kPresent))
      return false;
    *value = w & ~kPresent;
    return true;
  }
  bool put(uint64_t addr, uint64_t value);
  void erase(uint64_t addr);
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

private:
  static constexpr unsigned kPageBits = 12;
  static constexpr unsigned kSlots = (1u << kPageBits) / 8;
  static constexpr uint64_t kPresent = 1ull << 63;
  struct Block {
    std::atomic<uint64_t> slot[kSlots];
  };
  Block *block(uint64_t addr, bool create);
  // The thread's last page looked up: loops over arrays of locks stay on
  // it. A page keeps its block once it has one, so the entry never goes
  // stale.
  struct LastPage {
    const ObjectTable *table;
    uint64_t page;
    Block *block;
  };
  static __thread LastPage last_page_ __attribute__((tls_model("initial-exec")));
  const Block *known_block(uint64_t page) const {
    LastPage &lp = last_page_;
    if (__builtin_expect(lp.table == this && lp.page == page, 1))
      return lp.block;
    return find_block(page);
  }
  Block *find_block(uint64_t page) const;

  AddressMap pages_; // host page -> Block*
  AddressMap odd_;   // objects not 8-byte aligned
  RawArray<Block> blocks_;
  uint32_t next_block_ = 0;
  SpinLock lock_;
  std::atomic<uint64_t> dropped_{0};
};

} // namespace fencedep::runtime
