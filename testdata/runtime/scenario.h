/*
 * Helpers shared by the runtime scenarios.
 *
 * Sequencing uses only primitives the runtime does not intercept (C11
 * atomics polled with sched_yield), or pthread_create/pthread_join from a
 * main thread that holds nothing, so that ordering the threads adds no edge
 * into the classes a scenario is about. Every helper checks its result and
 * exits with status 2 on failure, so a broken scenario is never mistaken for
 * a clean one.
 */
#ifndef FENCEDEP_TESTDATA_SCENARIO_H
#define FENCEDEP_TESTDATA_SCENARIO_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fencedep/fencedep.h"

static inline void scenario_fail(const char *what, int err) {
  fprintf(stderr, "scenario error: %s: %s\n", what, strerror(err));
  exit(2);
}

/* Checks a pthread-style return code (0 or an errno value). */
#define CHECK_PT(call)                                                         \
  do {                                                                         \
    int rc_ = (call);                                                          \
    if (rc_ != 0)                                                              \
      scenario_fail(#call, rc_);                                               \
  } while (0)

/* Checks a libc-style return code (-1 and errno on failure). */
#define CHECK_OK(call)                                                         \
  do {                                                                         \
    if ((call) == -1)                                                          \
      scenario_fail(#call, errno);                                             \
  } while (0)

/* Busy-waits (yielding) until *flag reaches at least `value`. */
static inline void await_flag(atomic_int *flag, int value) {
  while (atomic_load_explicit(flag, memory_order_acquire) < value)
    sched_yield();
}

static inline void set_flag(atomic_int *flag, int value) {
  atomic_store_explicit(flag, value, memory_order_release);
}

#endif /* FENCEDEP_TESTDATA_SCENARIO_H */
