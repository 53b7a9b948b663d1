// An idle thread pool is not a hang: three workers wait for work on a
// condition variable for over two timeouts (hang_timeout=1) while the main
// thread is busy, then get a shutdown and exit. A Python-style timed wait
// (sem_timedwait) by the main thread, alone for a while, is not one
// either: it ends by itself. Nothing is reported.
//
// RUN-OPTIONS: hang_timeout=1
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <semaphore.h>
#include <time.h>

#include "scenario.h"

static pthread_mutex_t queue_lock;
static pthread_cond_t work;
static int shutting_down;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  while (!shutting_down)
    CHECK_PT(pthread_cond_wait(&work, &queue_lock));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  return NULL;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  CHECK_PT(pthread_cond_init(&work, NULL));
  pthread_t t[3];
  for (int i = 0; i < 3; ++i)
    CHECK_PT(pthread_create(&t[i], NULL, worker, NULL));
  // Busy for 2.5 s: the workers idle meanwhile.
  volatile unsigned long spin = 0;
  for (double end = now() + 2.5; now() < end;)
    ++spin;
  // A timed wait of 2.5 s with everyone else idle.
  sem_t sem;
  CHECK_OK(sem_init(&sem, 0, 0));
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 2;
  until.tv_nsec += 500000000;
  if (until.tv_nsec >= 1000000000) {
    until.tv_sec += 1;
    until.tv_nsec -= 1000000000;
  }
  while (sem_timedwait(&sem, &until) != 0 && errno == EINTR) {
  }
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  shutting_down = 1;
  CHECK_PT(pthread_cond_broadcast(&work));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  for (int i = 0; i < 3; ++i)
    CHECK_PT(pthread_join(t[i], NULL));
  return 0;
}
