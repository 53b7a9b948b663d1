// mmap-backed storage that never calls malloc: the runtime may run inside a
// host's malloc (allocators that lock), so its tables live outside the heap.
// Reservations use MAP_NORESERVE so large capacities cost only touched pages.
#pragma once
#include <cstddef>
#include <cstdint>

#include "fencedep/core/spin_lock.h"

namespace fencedep {

// Returns zeroed memory or nullptr.
void *raw_map(size_t bytes);
// The same, in huge pages when the kernel agrees: for hash tables that
// random keys touch all over, where one fault per 2 MiB beats one per 4 KiB.
void *raw_map_dense(size_t bytes);
// Offline analysis fills its tables densely: from now on, mappings of 2 MiB
// or more ask for transparent huge pages (one fault per 2 MiB instead of two
// per 4 KiB, and far fewer TLB misses on random probes). The runtime keeps
// 4 KiB pages: its tables are reserved large and touched sparsely.
void raw_memory_prefer_huge_pages(bool on);
void raw_unmap(void *p, size_t bytes);

// Typed fixed-capacity array reserved up front.
template <typename T> class RawArray {
public:
  bool init(size_t capacity, bool dense = false) {
    data_ = static_cast<T *>(dense ? raw_map_dense(capacity * sizeof(T))
                                   : raw_map(capacity * sizeof(T)));
    capacity_ = data_ ? capacity : 0;
    return data_ != nullptr;
  }
  T &operator[](size_t i) { return data_[i]; }
  const T &operator[](size_t i) const { return data_[i]; }
  size_t capacity() const { return capacity_; }
  T *data() { return data_; }

private:
  T *data_ = nullptr;
  size_t capacity_ = 0;
};

// Bump allocator over mmap'd chunks; nothing is freed individually.
class Arena {
public:
  void *alloc(size_t bytes, size_t align = 8);
  // Interns nothing: copies `s` (at most max_len bytes) NUL-terminated.
  const char *copy_string(const char *s, size_t max_len = 4096);

private:
  SpinLock lock_;
  char *cur_ = nullptr;
  size_t left_ = 0;
};

// 64-bit mixing (splitmix64 finaliser); good enough for table probes.
inline uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
uint64_t hash_bytes(const void *data, size_t n, uint64_t seed = 0);
inline uint64_t hash_string(const char *s, uint64_t seed = 0);

} // namespace fencedep

#include <cstring>
inline uint64_t fencedep::hash_string(const char *s, uint64_t seed) {
  return hash_bytes(s, std::strlen(s), seed);
}
