// A worker holds a lock for its whole life (CPython's thread-state lock,
// a thread pool's per-worker lock), announces under it that it started,
// then waits for work under it. The starter waits for the announcement
// while holding its queue lock, then posts work under that lock.
//
// Class edges alone close a cycle: started_cv -> worker_life (signal under
// it) -> work_cv (waited under it) -> queue_lock (work posted under it) ->
// started_cv (waited under it). But the worker's signal came before its
// wait, in one thread: it was never held up by its own lock, so the cycle
// cannot close and nothing may be reported (condvar_under_lock and
// sem_under_lock keep the cycles whose signaller really needs the lock).
//
// Predicates on one mutex make the order irrelevant; cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t worker_life, queue_lock, state_mutex;
static pthread_cond_t started_cv, work_cv;
static int started, work; // protected by state_mutex

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&worker_life));
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  started = 1;
  CHECK_PT(pthread_cond_signal(&started_cv));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));

  CHECK_PT(pthread_mutex_lock(&state_mutex));
  while (!work)
    CHECK_PT(pthread_cond_wait(&work_cv, &state_mutex));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
  CHECK_PT(pthread_mutex_unlock(&worker_life));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&worker_life, NULL));
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  CHECK_PT(pthread_mutex_init(&state_mutex, NULL));
  CHECK_PT(pthread_cond_init(&started_cv, NULL));
  CHECK_PT(pthread_cond_init(&work_cv, NULL));
  fencedep_set_class(&worker_life, "worker_life");
  fencedep_set_class(&queue_lock, "queue_lock");
  fencedep_set_class(&state_mutex, "state_mutex");
  fencedep_set_class(&started_cv, "started_cv");
  fencedep_set_class(&work_cv, "work_cv");

  pthread_t w;
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  CHECK_PT(pthread_create(&w, NULL, worker, NULL));
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  while (!started)
    CHECK_PT(pthread_cond_wait(&started_cv, &state_mutex));
  work = 1;
  CHECK_PT(pthread_cond_signal(&work_cv));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  CHECK_PT(pthread_join(w, NULL));
  return 0;
}
