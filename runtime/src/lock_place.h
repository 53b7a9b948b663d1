// Where a lock was taken, as reports show it (`at:` in held-lock lists, the
// place of a live hang): the first frame outside one-line lock wrappers.
// A program's `static void q_lock(struct q *q) { pthread_mutex_lock(&q->m); }`
// called from worker() was taken in worker(), not in q_lock(). Wrappers
// the compiler inlined are stepped out of when the report is symbolized
// (report_place); this covers the ones that stay functions of their own
// (-O0 builds, libuv's uv_mutex_lock, libstdc++'s std::mutex::lock at -O0).
#pragma once
#include <cstdint>

namespace fencedep::runtime {

// Code bytes a wrapper may have before its call (prologue, arguments,
// checks such as unique_lock::lock's owner tests) and after the return
// address (result check, a call that throws or aborts, epilogue): what
// -O0 makes of `if (pthread_mutex_lock(m)) abort();` and of libstdc++'s
// lock helpers.
inline constexpr uint64_t kWrapperBytesBefore = 96;
inline constexpr uint64_t kWrapperBytesAfter = 32;

// Per thread, direct-mapped by pc: whether a call site lies in a wrapper.
// Plain data in initial-exec TLS: no allocation, no lazy TLS on the hook
// path.
struct PlaceCache {
  static constexpr unsigned kSize = 64;
  uint64_t pc[kSize];
  bool wrapper[kSize];
  static unsigned slot(uint64_t pc) { return unsigned(pc ^ pc >> 6 ^ pc >> 12) % kSize; }
};
extern __thread PlaceCache place_cache __attribute__((tls_model("initial-exec")));

uint64_t lock_place_slow(uint64_t pc);

// `pc` (the return address of the hooked lock call), or the return address
// into the wrapper's caller when `pc` lies in a wrapper: a function whose
// last act is the call (after it only a result check, a throw or abort,
// the epilogue) and that does little before it, from its module's unwind
// table - a function that takes a lock and then works under it is not one.
// Up to five wrappers deep (libstdc++ at -O0: std::unique_lock's
// constructor, unique_lock::lock, std::mutex::lock, __gthread_mutex_lock).
// Cached per thread and per pc: the unwind table is read once per call
// site, the stack walked only for calls from wrappers; every other lock
// pays one compare in the thread's cache.
inline uint64_t lock_place(uint64_t pc) {
  unsigned s = PlaceCache::slot(pc);
  if (__builtin_expect(place_cache.pc[s] == pc && !place_cache.wrapper[s], 1))
    return pc;
  return lock_place_slow(pc);
}

} // namespace fencedep::runtime
