#include "fencedep/core/raw_memory.h"

#include <sys/mman.h>

#include <atomic>
#include <cstdint>
#include <cstring>

namespace fencedep {

namespace {
constexpr size_t kHugePage = size_t(2) << 20;
std::atomic<bool> huge_pages{false};

void *map_anonymous(size_t bytes) {
  void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// A mapping of `bytes` that starts on a huge page: over-map by one huge page
// and trim both ends. Its last partial huge page, if any, gets 4 KiB pages.
void *map_huge(size_t bytes) {
  char *raw = static_cast<char *>(map_anonymous(bytes + kHugePage));
  if (!raw)
    return nullptr;
  uintptr_t at = (reinterpret_cast<uintptr_t>(raw) + kHugePage - 1) & ~(kHugePage - 1);
  char *p = reinterpret_cast<char *>(at);
  if (p > raw)
    munmap(raw, size_t(p - raw));
  if (size_t tail = size_t(raw + bytes + kHugePage - (p + bytes)))
    munmap(p + bytes, tail);
  madvise(p, bytes, MADV_HUGEPAGE); // advice only: 4 KiB pages if refused
  return p;
}
} // namespace

void raw_memory_prefer_huge_pages(bool on) { huge_pages.store(on, std::memory_order_relaxed); }

void *raw_map(size_t bytes) {
  if (bytes == 0)
    return nullptr;
  if (bytes >= kHugePage && huge_pages.load(std::memory_order_relaxed))
    return map_huge(bytes);
  return map_anonymous(bytes);
}

void *raw_map_dense(size_t bytes) {
  if (bytes < kHugePage)
    return raw_map(bytes);
  return map_huge(bytes);
}

void raw_unmap(void *p, size_t bytes) {
  if (p)
    munmap(p, bytes);
}

void *Arena::alloc(size_t bytes, size_t align) {
  SpinGuard g(lock_);
  size_t pad = (align - (reinterpret_cast<uintptr_t>(cur_) & (align - 1))) & (align - 1);
  if (!cur_ || pad + bytes > left_) {
    size_t chunk = bytes + align > (1u << 20) ? bytes + align : (1u << 20);
    cur_ = static_cast<char *>(raw_map(chunk));
    if (!cur_) {
      left_ = 0;
      return nullptr;
    }
    left_ = chunk;
    pad = 0;
  }
  char *p = cur_ + pad;
  cur_ += pad + bytes;
  left_ -= pad + bytes;
  return p;
}

const char *Arena::copy_string(const char *s, size_t max_len) {
  if (!s)
    return nullptr;
  size_t n = strnlen(s, max_len);
  char *p = static_cast<char *>(alloc(n + 1, 1));
  if (!p)
    return "<out of memory>";
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

uint64_t hash_bytes(const void *data, size_t n, uint64_t seed) {
  // FNV-1a folded through mix64: stable across builds and processes.
  const unsigned char *p = static_cast<const unsigned char *>(data);
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

} // namespace fencedep
