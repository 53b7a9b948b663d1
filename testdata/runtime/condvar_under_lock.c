// A condition variable waited on while holding an outer lock that the
// signalling thread also takes (earlier, on its way to the signal). If the
// signaller ever needed the outer lock while the waiter sleeps, neither would
// progress. The waiter's own mutex (released by pthread_cond_wait) must not
// count; the outer lock must.
//
// Sequencing (no real deadlock): the signaller takes and drops the outer
// lock first, then the waiter takes the outer lock and sleeps on the
// condvar, then the signaller (which never takes the outer lock again) locks
// the condvar's mutex - possible only once the waiter is inside
// pthread_cond_wait - and signals.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(outer_lock -> ready_cv -> outer_lock|ready_cv -> outer_lock -> ready_cv)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t outer_lock, cv_mutex;
static pthread_cond_t ready_cv;
static int ready; // protected by cv_mutex
static atomic_int signaller_dropped_outer, waiter_about_to_wait;

static void *signaller(void *arg) {
  // "Sometimes" the signaller takes the outer lock: here, once, early.
  CHECK_PT(pthread_mutex_lock(&outer_lock));
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
