// sem_wait while holding a lock that the posting thread takes on its way to
// sem_post. The semaphore is unnamed: its class is its sem_init call site.
//
// Sequencing (no real deadlock): the poster takes and drops the lock, says so
// through an atomic, then posts and never takes the lock again; only then
// does the waiter take the lock and wait (the post may come before or after
// the wait starts; either way the wait completes).
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(queue_lock -> semaphore sem_under_lock.c:[0-9]+:[0-9]+ in main -> queue_lock|semaphore sem_under_lock.c:[0-9]+:[0-9]+ in main -> queue_lock -> semaphore sem_under_lock.c:[0-9]+:[0-9]+ in main)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include <semaphore.h>

#include "scenario.h"

static pthread_mutex_t queue_lock;
static sem_t items;
static atomic_int poster_dropped_lock;

static void *poster(void *arg) {
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  set_flag(&poster_dropped_lock, 1);
  CHECK_OK(sem_post(&items));
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&poster_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  CHECK_OK(sem_wait(&items));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  fencedep_set_class(&queue_lock, "queue_lock");
  CHECK_OK(sem_init(&items, 0, 0));

  pthread_t p, w;
  CHECK_PT(pthread_create(&p, NULL, poster, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_OK(sem_destroy(&items));
  return 0;
}
