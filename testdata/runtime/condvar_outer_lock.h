// The program of condvar_under_lock.c and condvar_trylock_window.c: a
// waiter sleeps on a condition variable while holding an outer lock that
// the signaller takes (or tries) on its way to the signal. The including
// file defines take_outer_lock_early(). Sequencing: the signaller is done
// with the outer lock before the waiter takes it, and signals only once
// the waiter sleeps in pthread_cond_wait.
#include "scenario.h"

static pthread_mutex_t outer_lock, cv_mutex;
static pthread_cond_t ready_cv;
static int ready; // protected by cv_mutex
static atomic_int signaller_dropped_outer, waiter_about_to_wait;

static void *signaller(void *arg) {
  // "Sometimes" the signaller takes the outer lock: here, once, early.
  take_outer_lock_early(&outer_lock);
  set_flag(&signaller_dropped_outer, 1);

  await_flag(&waiter_about_to_wait, 1);
  // Blocks until the waiter has released cv_mutex inside pthread_cond_wait.
  CHECK_PT(pthread_mutex_lock(&cv_mutex));
  ready = 1;
  CHECK_PT(pthread_cond_signal(&ready_cv));
  CHECK_PT(pthread_mutex_unlock(&cv_mutex));
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&signaller_dropped_outer, 1);
  CHECK_PT(pthread_mutex_lock(&outer_lock));
  CHECK_PT(pthread_mutex_lock(&cv_mutex));
  set_flag(&waiter_about_to_wait, 1);
  while (!ready)
    CHECK_PT(pthread_cond_wait(&ready_cv, &cv_mutex));
  CHECK_PT(pthread_mutex_unlock(&cv_mutex));
  CHECK_PT(pthread_mutex_unlock(&outer_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&outer_lock, NULL));
  CHECK_PT(pthread_mutex_init(&cv_mutex, NULL));
  CHECK_PT(pthread_cond_init(&ready_cv, NULL));
  fencedep_set_class(&outer_lock, "outer_lock");
  fencedep_set_class(&cv_mutex, "cv_mutex");
  fencedep_set_class(&ready_cv, "ready_cv");

  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, signaller, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(s, NULL));
  return 0;
}
