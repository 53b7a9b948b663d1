// The condvar_under_lock scenario, but the signaller only *tries* the outer
// lock on its way to the signal, and when it is busy it goes another way
// (V8's safepoint: a worker that finds the safepoint's lock taken parks
// itself, so the thread holding that lock no longer waits for it). A trylock
// gets no incoming edge, from a signal either: the signal does not depend on
// the outer lock, and nothing may be reported.
//
// Sequencing as in condvar_under_lock: the trylock succeeds and is dropped
// before the waiter takes the outer lock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <pthread.h>

#include "scenario.h"

static void take_outer_lock_early(pthread_mutex_t *outer) {
  if (pthread_mutex_trylock(outer) == 0)
    CHECK_PT(pthread_mutex_unlock(outer));
}

#include "condvar_outer_lock.h"
