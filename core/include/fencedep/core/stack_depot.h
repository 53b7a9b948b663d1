// Hash-consed storage of stack traces (return addresses), so that each edge
// keeps the stack of its first occurrence for the price of one id.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/types.h"

namespace fencedep {

inline constexpr unsigned kMaxFrames = 32;

struct StackView {
  const uint64_t *pcs = nullptr;
  uint32_t size = 0;
};

class StackDepot {
public:
  bool init(uint32_t max_stacks = 1u << 20);
  StackId put(const uint64_t *pcs, uint32_t n);
  StackView get(StackId id) const;
  void reset_locks_after_fork() { lock_.reset(); index_.reset_lock(); }

private:
  struct Entry {
    uint32_t offset; // into frames_
    uint32_t size;
  };
  RawArray<Entry> entries_;
  RawArray<uint64_t> frames_;
  AddressMap index_;
  SpinLock lock_;
  std::atomic<uint32_t> next_{1};
  uint32_t frames_used_ = 0;
};

} // namespace fencedep
