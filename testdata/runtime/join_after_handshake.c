// A worker takes the table lock, drops it, posts "done" and exits. The
// main thread waits for "done" - so everything the worker did before
// posting it happened before - and then joins it while holding the table
// lock. The worker cannot need the lock any more: no cycle.
// (Without the wait, as in join_under_lock.c, it is reported.)
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"
#include <semaphore.h>

static pthread_mutex_t table_lock;
static sem_t done;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&table_lock));
  CHECK_PT(pthread_mutex_unlock(&table_lock));
  CHECK_OK(sem_post(&done));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&table_lock, NULL));
  CHECK_OK(sem_init(&done, 0, 0));
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, NULL));
  CHECK_OK(sem_wait(&done));
  CHECK_PT(pthread_mutex_lock(&table_lock));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_mutex_unlock(&table_lock));
  return 0;
}
