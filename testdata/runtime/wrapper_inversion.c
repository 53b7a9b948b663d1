// Two locks made through one init wrapper from two sites, taken in
// opposite orders by two threads: a real ABBA. Classed by the wrapper's
// callers they are two classes, and the inversion is reported with both.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK-NOT: class-predicted
// CHECK: SUMMARY: fencedep: lock-order {{((mutex wrapper_inversion.c:[0-9]+:[0-9]+ in main -> ){2})}}mutex wrapper_inversion.c:{{[0-9]+:[0-9]+}} in main (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

__attribute__((noinline)) static void new_lock(pthread_mutex_t *m) {
  CHECK_PT(pthread_mutex_init(m, NULL));
}

static pthread_mutex_t accounts, journal;

static void *lock_both(void *arg) {
  pthread_mutex_t **order = arg;
  CHECK_PT(pthread_mutex_lock(order[0]));
  CHECK_PT(pthread_mutex_lock(order[1]));
  CHECK_PT(pthread_mutex_unlock(order[1]));
  CHECK_PT(pthread_mutex_unlock(order[0]));
  return NULL;
}

int main(void) {
  new_lock(&accounts);
  new_lock(&journal);
  pthread_mutex_t *first[2] = {&accounts, &journal}, *second[2] = {&journal, &accounts};
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, lock_both, first));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, lock_both, second));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
