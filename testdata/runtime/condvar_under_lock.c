// A condition variable waited on while holding an outer lock that the
// signalling thread also takes (earlier, on its way to the signal). If the
// signaller ever needed the outer lock while the waiter sleeps, neither would
// progress. The waiter's own mutex (released by pthread_cond_wait) must not
// count; the outer lock must.
//
// Sequencing (no real deadlock): the signaller takes and drops the outer
// lock first, then the waiter takes the outer lock and sleeps on the
// condvar, then the signaller (which never takes the outer lock again) locks
// the condvar's mutex - possible only once the waiter is inside
// pthread_cond_wait - and signals.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(outer_lock -> ready_cv -> outer_lock|ready_cv -> outer_lock -> ready_cv)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include <pthread.h>

#include "scenario.h"

static void take_outer_lock_early(pthread_mutex_t *outer) {
  CHECK_PT(pthread_mutex_lock(outer));
  CHECK_PT(pthread_mutex_unlock(outer));
}

#include "condvar_outer_lock.h"
