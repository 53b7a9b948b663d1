// Two reader-writer locks made at one site (one class), read-locked in
// both orders by two threads. Readers do not exclude readers (glibc's
// default rwlocks prefer readers, so a reader never waits behind a queued
// writer): read-read nesting of two instances is no deadlock, whichever
// order.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_rwlock_t tables[2];

static void *read_both(void *arg) {
  int first = (int)(long)arg;
  CHECK_PT(pthread_rwlock_rdlock(&tables[first]));
  CHECK_PT(pthread_rwlock_rdlock(&tables[1 - first]));
  CHECK_PT(pthread_rwlock_unlock(&tables[1 - first]));
  CHECK_PT(pthread_rwlock_unlock(&tables[first]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_rwlock_init(&tables[i], NULL));
  for (long first = 0; first < 2; ++first) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, read_both, (void *)first));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
