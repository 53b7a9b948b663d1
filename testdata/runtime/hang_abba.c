// Two threads that really deadlock: each takes its first lock, meets the
// other at a barrier, then takes the other's. The lock-order report comes
// first (the second nesting closes the cycle before it blocks); then the
// watchdog (hang_timeout=1) sees the two threads waiting for each other
// and reports the live deadlock, once, while the main thread, joining
// them, is blocked too. The test kills the child (hang_scenario.h).
//
// RUN-OPTIONS: hang_timeout=1
// EXPECT-EXIT: 0
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order
// CHECK: WARNING: threads blocked: live wait-for graph
// CHECK: wait-for graph:
// CHECK: threads {{[0-9]+ -> [0-9]+ -> [0-9]+}} wait for each other: deadlock
// CHECK: SUMMARY: fencedep: live-hang
// CHECK-NOT: WARNING
#include "hang_scenario.h"

static pthread_mutex_t first, second;
static atomic_int arrived;

static void *take(void *arg) {
  pthread_mutex_t *a = arg ? &first : &second, *b = arg ? &second : &first;
  CHECK_PT(pthread_mutex_lock(a));
  atomic_fetch_add(&arrived, 1);
  await_flag(&arrived, 2); // both hold their first lock now
  CHECK_PT(pthread_mutex_lock(b));
  return NULL;
}

static void hang(void) {
  CHECK_PT(pthread_mutex_init(&first, NULL));
  CHECK_PT(pthread_mutex_init(&second, NULL));
  pthread_t t1, t2;
  CHECK_PT(pthread_create(&t1, NULL, take, (void *)1));
  CHECK_PT(pthread_create(&t2, NULL, take, NULL));
  CHECK_PT(pthread_join(t1, NULL));
  CHECK_PT(pthread_join(t2, NULL));
}

int main(void) { return run_hanging(hang); }
