// Reader-writer inversion with a writer: one thread holds the rwlock for
// read and takes a mutex; a later thread holds the mutex and takes the rwlock
// for write. The writer cannot get in while the reader holds it, and the
// reader cannot get the mutex: a real deadlock (unlike read-read inversions).
// Threads are sequenced by create/join from main, so nothing ever hangs.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order {{(table_rw -> stats_lock -> table_rw|stats_lock -> table_rw -> stats_lock)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_rwlock_t table_rw;
static pthread_mutex_t stats_lock;

static void *lookup(void *arg) {
  CHECK_PT(pthread_rwlock_rdlock(&table_rw));
  CHECK_PT(pthread_mutex_lock(&stats_lock));
  CHECK_PT(pthread_mutex_unlock(&stats_lock));
  CHECK_PT(pthread_rwlock_unlock(&table_rw));
  return NULL;
}

static void *resize(void *arg) {
  CHECK_PT(pthread_mutex_lock(&stats_lock));
  CHECK_PT(pthread_rwlock_wrlock(&table_rw));
  CHECK_PT(pthread_rwlock_unlock(&table_rw));
  CHECK_PT(pthread_mutex_unlock(&stats_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_rwlock_init(&table_rw, NULL));
  CHECK_PT(pthread_mutex_init(&stats_lock, NULL));
  fencedep_set_class(&table_rw, "table_rw");
  fencedep_set_class(&stats_lock, "stats_lock");

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, lookup, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, resize, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
