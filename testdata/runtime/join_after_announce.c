// A thread library's "done" protocol (pigz's yarn): a worker, about to
// exit, takes the pool lock, marks itself done and broadcasts the pool's
// condvar under the lock, then exits. The main thread takes the pool lock,
// waits until a worker is done (here it already is, so it never waits) and
// joins it while still holding the lock. The worker's last use of the lock
// ended with that announcement: joining under the lock cannot block it.
// (join_under_lock.c, where the worker takes the lock without announcing
// anything, is reported.)
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t pool_lock;
static pthread_cond_t pool_cv;
static int done;
static atomic_int exited;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&pool_lock));
  done = 1;
  CHECK_PT(pthread_cond_broadcast(&pool_cv));
  CHECK_PT(pthread_mutex_unlock(&pool_lock));
  set_flag(&exited, 1);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&pool_lock, NULL));
  CHECK_PT(pthread_cond_init(&pool_cv, NULL));
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, NULL));
  await_flag(&exited, 1);
  CHECK_PT(pthread_mutex_lock(&pool_lock));
  while (!done)
    CHECK_PT(pthread_cond_wait(&pool_cv, &pool_lock));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_mutex_unlock(&pool_lock));
  return 0;
}
