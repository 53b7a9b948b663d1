// A condition variable that any of several threads may signal wakes its
// waiter whoever signals it (CPython's GIL switch: whichever thread takes
// the interpreter next signals it). One signaller takes the waiter's outer
// lock on its way to the signal; another signals without any lock.
//
// Class edges close a cycle: outer -> turn_cv (waited under outer) and
// turn_cv -> outer (taken before a signal). It is not a deadlock: when the
// first signaller is stuck on outer, the other still signals, the waiter
// wakes and lets outer go. Nothing may be reported (condvar_under_lock
// keeps the case of a single signaller).
//
// Sequenced with flags and a predicate: the free signaller signals first
// (what the runtime knows of the object when the wait starts is what it
// judges by), the locked one next, then the waiter sleeps and the free one
// wakes it. Cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t outer, turn_mutex;
static pthread_cond_t turn_cv;
static int turns; // protected by turn_mutex
static atomic_int free_signalled, first_done, waiter_about_to_wait;

static void next_turn(void) {
  CHECK_PT(pthread_mutex_lock(&turn_mutex));
  ++turns;
  CHECK_PT(pthread_cond_signal(&turn_cv));
  CHECK_PT(pthread_mutex_unlock(&turn_mutex));
}

// Takes outer on its way to the signal.
static void *locked_signaller(void *arg) {
  await_flag(&free_signalled, 1);
  CHECK_PT(pthread_mutex_lock(&outer));
  CHECK_PT(pthread_mutex_unlock(&outer));
  next_turn();
  set_flag(&first_done, 1);
  return NULL;
}

// Signals with no lock, before the others and then to wake the waiter.
static void *free_signaller(void *arg) {
  next_turn();
  set_flag(&free_signalled, 1);
  await_flag(&waiter_about_to_wait, 1);
  next_turn();
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&first_done, 1);
  CHECK_PT(pthread_mutex_lock(&outer));
  CHECK_PT(pthread_mutex_lock(&turn_mutex));
  int seen = turns;
  set_flag(&waiter_about_to_wait, 1);
  while (turns == seen)
    CHECK_PT(pthread_cond_wait(&turn_cv, &turn_mutex));
  CHECK_PT(pthread_mutex_unlock(&turn_mutex));
  CHECK_PT(pthread_mutex_unlock(&outer));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&outer, NULL));
  CHECK_PT(pthread_mutex_init(&turn_mutex, NULL));
  CHECK_PT(pthread_cond_init(&turn_cv, NULL));
  fencedep_set_class(&outer, "outer");
  fencedep_set_class(&turn_mutex, "turn_mutex");

  pthread_t a, b, w;
  CHECK_PT(pthread_create(&a, NULL, locked_signaller, NULL));
  CHECK_PT(pthread_create(&b, NULL, free_signaller, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(b, NULL));
  CHECK_PT(pthread_join(a, NULL));
  return 0;
}
