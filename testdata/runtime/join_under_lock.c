// pthread_join while holding a lock that the joined thread takes. Had the
// thread needed the lock after main took it, main would wait for the exit
// and the thread for the lock. The join waits on the class "exit of threads
// created at that pthread_create site"; the exit signals it.
//
// Sequencing (no real deadlock): the worker takes and drops the lock, says so
// through an atomic, and never touches the lock again; only then does main
// take the lock and join.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(join_lock -> thread-exit worker -> join_lock|thread-exit worker -> join_lock -> thread-exit worker)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t join_lock;
static atomic_int worker_dropped_lock;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&join_lock));
  CHECK_PT(pthread_mutex_unlock(&join_lock));
  set_flag(&worker_dropped_lock, 1);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&join_lock, NULL));
  fencedep_set_class(&join_lock, "join_lock");

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, NULL));
  await_flag(&worker_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&join_lock));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_mutex_unlock(&join_lock));
  return 0;
}
