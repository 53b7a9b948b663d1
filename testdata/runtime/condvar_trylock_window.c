// The condvar_under_lock scenario, but the signaller only *tries* the outer
// lock on its way to the signal, and when it is busy it goes another way
// (V8's safepoint: a worker that finds the safepoint's lock taken parks
// itself, so the thread holding that lock no longer waits for it). A trylock
// gets no incoming edge, from a signal either: the signal does not depend on
// the outer lock, and nothing may be reported.
//
// Sequencing as in condvar_under_lock: the trylock succeeds and is dropped
// before the waiter takes the outer lock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t outer_lock, cv_mutex;
static pthread_cond_t ready_cv;
static int ready; // protected by cv_mutex
static atomic_int signaller_dropped_outer, waiter_about_to_wait;

static void *signaller(void *arg) {
  if (pthread_mutex_trylock(&outer_lock) == 0)
    CHECK_PT(pthread_mutex_unlock(&outer_lock));
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
