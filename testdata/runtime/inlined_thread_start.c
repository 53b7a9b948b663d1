// Worker threads started through a thread-start helper inlined at two
// places: two pthread_create call sites, but one kind of thread, so their
// exits are one class, keyed by the start routine (and named by it:
// `thread-exit worker`). The
// main thread joins each worker while holding `pool_lock`, which the
// worker takes before it exits: the same cycle through either copy, so it
// is reported once. (A class per call site would report it twice.)
// Sequenced: each worker has taken and dropped the lock before main
// takes it to join.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(mutex inlined_thread_start.c:[0-9]+:[0-9]+ in main -> thread-exit worker -> mutex inlined_thread_start.c:[0-9]+:[0-9]+ in main|thread-exit worker -> mutex inlined_thread_start.c:[0-9]+:[0-9]+ in main -> thread-exit worker)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t pool_lock;
static atomic_int dropped;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&pool_lock));
  CHECK_PT(pthread_mutex_unlock(&pool_lock));
  set_flag(&dropped, (int)(long)arg);
  return NULL;
}

__attribute__((always_inline)) static inline pthread_t start_worker(long n) {
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, (void *)n));
  return t;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&pool_lock, NULL));
  pthread_t first = start_worker(1);
  await_flag(&dropped, 1);
  CHECK_PT(pthread_mutex_lock(&pool_lock));
  CHECK_PT(pthread_join(first, NULL));
  CHECK_PT(pthread_mutex_unlock(&pool_lock));
  pthread_t second = start_worker(2);
  await_flag(&dropped, 2);
  CHECK_PT(pthread_mutex_lock(&pool_lock));
  CHECK_PT(pthread_join(second, NULL));
  CHECK_PT(pthread_mutex_unlock(&pool_lock));
  return 0;
}
