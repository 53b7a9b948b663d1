/* Stand-in for the "test.h" of ThreadSanitizer's lit tests
 * (compiler-rt/test/tsan), so that those tests build natively with plain
 * clang and run under fencedep. bench/peer_tests.sh puts this file next to
 * the copied test source as test.h; nothing from the peer is copied here.
 *
 * The tests need only a few things from their header: the usual system
 * includes, an "invisible" barrier (one that orders the test's threads
 * without being a synchronisation the checker sees: TSan implements it in its
 * runtime, here it is a spin on an atomic word, which fencedep does not hook
 * either), a global instance of it, print_address, and a monotonic clock.
 */
#ifndef FENCEDEP_BENCH_TSAN_TEST_H
#define FENCEDEP_BENCH_TSAN_TEST_H

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef unsigned long long invisible_barrier_t;

/* One 64-bit word: participants in bits 0-15, arrivals in bits 16-31, the
 * generation in bits 32-63. The last arrival clears the arrivals and bumps
 * the generation; the others spin until the generation changes, so the
 * barrier can be reused round after round. */
static inline void barrier_init(invisible_barrier_t *b, unsigned count) {
  __atomic_store_n(b, (invisible_barrier_t)(count & 0xffff), __ATOMIC_RELEASE);
}

static inline void barrier_wait(invisible_barrier_t *b) {
  invisible_barrier_t old = __atomic_fetch_add(b, 1ull << 16, __ATOMIC_ACQ_REL);
  invisible_barrier_t count = old & 0xffff;
  invisible_barrier_t arrived = ((old >> 16) & 0xffff) + 1;
  invisible_barrier_t gen = old >> 32;
  if (arrived >= count) {
    __atomic_store_n(b, ((gen + 1) << 32) | count, __ATOMIC_RELEASE);
    return;
  }
  while ((__atomic_load_n(b, __ATOMIC_ACQUIRE) >> 32) == gen)
    sched_yield();
}

/* The tests' default barrier (each test program is one translation unit). */
invisible_barrier_t barrier;

static inline unsigned long long monotonic_clock_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (unsigned long long)t.tv_sec * 1000000000ull + t.tv_nsec;
}

/* Prints STR, then N pointers in hex, on stderr. */
static inline void print_address(const char *str, int n, ...) {
  va_list ap;
  fputs(str, stderr);
  va_start(ap, n);
  while (n-- > 0)
    fprintf(stderr, "%p ", va_arg(ap, void *));
  va_end(ap);
  fputc('\n', stderr);
}

#endif
