/*
 * A fence made of an atomic word and futex system calls, the way Mesa's
 * util_queue_fence (src/util/u_queue.h) and simple_mtx are made: no
 * pthread call, nothing an interposing runtime sees. With
 * FUTEX_FENCE_ANNOTATE, its three operations tell the runtime what they
 * are through fencedep/fencedep.h (weak symbols: nothing without the
 * runtime):
 *   init    fencedep_fence_init(fence, "class name", 0)
 *   wait    fencedep_fence_wait_begin at its entry, _end once signalled
 *   signal  fencedep_fence_signal before waking the waiters
 */
#ifndef FENCEDEP_TESTDATA_FUTEX_FENCE_H
#define FENCEDEP_TESTDATA_FUTEX_FENCE_H

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fencedep/fencedep.h"

#ifndef FUTEX_FENCE_ANNOTATE
#define FUTEX_FENCE_ANNOTATE 0
#endif

struct futex_fence {
  atomic_int signalled; /* 0: pending, 1: signalled */
};

static inline void futex_fence_init(struct futex_fence *f, const char *class_name) {
  atomic_store(&f->signalled, 0);
  if (FUTEX_FENCE_ANNOTATE)
    fencedep_fence_init(f, class_name, 0);
}

/* Waits for the fence, or `timeout_ms`: 1 when signalled. */
static inline int futex_fence_wait(struct futex_fence *f, long timeout_ms) {
  /* At the entry, whether or not it blocks this time (the kernel's
   * dma_fence_wait does the same): a wait that returns at once in one run
   * blocks in another. */
  if (FUTEX_FENCE_ANNOTATE)
    fencedep_fence_wait_begin(f);
  struct timespec ts = {timeout_ms / 1000, (timeout_ms % 1000) * 1000000};
  while (!atomic_load(&f->signalled))
    if (syscall(SYS_futex, &f->signalled, (long)FUTEX_WAIT_PRIVATE, 0L, &ts, NULL, 0L) != 0 &&
        errno == ETIMEDOUT)
      break;
  int done = atomic_load(&f->signalled);
  if (FUTEX_FENCE_ANNOTATE && done)
    fencedep_fence_wait_end(f);
  return done;
}

static inline void futex_fence_signal(struct futex_fence *f) {
  if (FUTEX_FENCE_ANNOTATE)
    fencedep_fence_signal(f);
  atomic_store(&f->signalled, 1);
  syscall(SYS_futex, &f->signalled, (long)FUTEX_WAKE_PRIVATE, (long)INT_MAX, NULL, NULL, 0L);
}

#endif /* FENCEDEP_TESTDATA_FUTEX_FENCE_H */
