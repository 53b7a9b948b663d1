#include "object_table.h"

namespace fencedep::runtime {

bool ObjectTable::init(uint32_t max_pages) {
  return pages_.init(size_t(max_pages) * 2) && odd_.init(1u << 16) && blocks_.init(max_pages);
}

ObjectTable::Block *ObjectTable::block(uint64_t addr, bool create) {
  uint64_t page = addr >> kPageBits, v;
  if (const Block *known = known_block(page))
    return const_cast<Block *>(known);
  if (!create)
    return nullptr;
  SpinGuard g(lock_);
  if (pages_.find(page, &v))
    return reinterpret_cast<Block *>(v);
  if (next_block_ >= blocks_.capacity()) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  Block *b = &blocks_[next_block_++]; // zeroed by the mapping
  if (!pages_.put(page, reinterpret_cast<uint64_t>(b))) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  return b;
}

__thread ObjectTable::LastPage ObjectTable::last_page_;

ObjectTable::Block *ObjectTable::find_block(uint64_t page) const {
  uint64_t v;
  if (!pages_.find(page, &v))
    return nullptr;
  Block *b = reinterpret_cast<Block *>(v);
  last_page_ = LastPage{this, page, b};
  return b;
}

bool ObjectTable::put(uint64_t addr, uint64_t value) {
  if (addr & 7)
    return odd_.put(addr, value);
  Block *b = block(addr, true);
  if (!b)
    return false;
  b->slot[(addr >> 3) % kSlots].store(value | kPresent, std::memory_order_release);
  return true;
}

void ObjectTable::erase(uint64_t addr) {
  if (addr & 7) {
    odd_.erase(addr);
    return;
  }
  if (Block *b = block(addr, false))
    b->slot[(addr >> 3) % kSlots].store(0, std::memory_order_release);
}

} // namespace fencedep::runtime
