#include "fencedep/core/stack_depot.h"

namespace fencedep {

bool StackDepot::init(uint32_t max_stacks) {
  return entries_.init(max_stacks) && frames_.init(size_t(max_stacks) * 8) &&
         index_.init(size_t(max_stacks) * 2);
}

StackId StackDepot::put(const uint64_t *pcs, uint32_t n) {
  if (n == 0 || !entries_.data())
    return kNoStack;
  if (n > kMaxFrames)
    n = kMaxFrames;
  uint64_t h = hash_bytes(pcs, n * sizeof(uint64_t), n);
  uint64_t v;
  if (index_.find(h, &v))
    return StackId(v);
  SpinGuard g(lock_);
  if (index_.find(h, &v))
    return StackId(v);
  uint32_t id = next_.load(std::memory_order_relaxed);
  if (id >= entries_.capacity() || frames_used_ + n > frames_.capacity())
    return kNoStack;
  for (uint32_t i = 0; i < n; ++i)
    frames_[frames_used_ + i] = pcs[i];
  entries_[id] = Entry{frames_used_, n};
  frames_used_ += n;
  next_.store(id + 1, std::memory_order_release);
  bool inserted;
  index_.put_if_absent(h, id, &inserted);
  return id;
}

StackView StackDepot::get(StackId id) const {
  if (id == kNoStack || id >= next_.load(std::memory_order_acquire))
    return {};
  const Entry &e = entries_[id];
  return StackView{&frames_[e.offset], e.size};
}

} // namespace fencedep
