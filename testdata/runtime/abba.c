// ABBA: one thread takes A then B, a later thread takes B then A. The two
// threads never overlap (main joins the first before starting the second),
// so the program never hangs; the runtime must still predict the deadlock.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: which closes the dependency cycle:
// CHECK: -> #0 ([[FROM:lockA|lockB]]) -> ([[TO:lockA|lockB]]): acquire
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in
// CHECK: -> #1 ([[TO]]) -> ([[FROM]]): acquire
// CHECK-NEXT: #0 0x{{[0-9a-f]+}} in
#include "scenario.h"

static pthread_mutex_t lock_a, lock_b;

static void *thread_ab(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_a));
  CHECK_PT(pthread_mutex_lock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  return NULL;
}

static void *thread_ba(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_b));
  CHECK_PT(pthread_mutex_lock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&lock_a, NULL));
  CHECK_PT(pthread_mutex_init(&lock_b, NULL));
  fencedep_set_class(&lock_a, "lockA");
  fencedep_set_class(&lock_b, "lockB");

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, thread_ab, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, thread_ba, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}

// CHECK: Possible unsafe scenario:
// CHECK: *** DEADLOCK ***
// CHECK: SUMMARY: fencedep: lock-order {{(lockA -> lockB -> lockA|lockB -> lockA -> lockB)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
