// Two threads' lifetime locks that never coexist but share an address: the
// first is destroyed when its thread is done and the second is made in the
// same memory (CPython frees a joined thread's lock and malloc hands its
// chunk to the next thread's). The first thread signals under its lock;
// the second waits on the same condition variable under its own lock. As
// one object they would close a cycle; they are two, and nothing may be
// reported.
//
// Sequenced with predicates; cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <stdlib.h>

#include "scenario.h"

static pthread_mutex_t *life; // one slot, two objects over time
static pthread_mutex_t state_mutex;
static pthread_cond_t state_cv;
static int announced, released; // protected by state_mutex
static atomic_int waiter_about_to_wait;

__attribute__((noinline)) static void make_life(void) {
  CHECK_PT(pthread_mutex_init(life, NULL));
}

static void *announcer(void *arg) {
  CHECK_PT(pthread_mutex_lock(life));
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  announced = 1;
  CHECK_PT(pthread_cond_signal(&state_cv));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
  CHECK_PT(pthread_mutex_unlock(life));
  return NULL;
}

static void *waiter(void *arg) {
  CHECK_PT(pthread_mutex_lock(life));
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  set_flag(&waiter_about_to_wait, 1);
  while (!released)
    CHECK_PT(pthread_cond_wait(&state_cv, &state_mutex));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
  CHECK_PT(pthread_mutex_unlock(life));
  return NULL;
}

int main(void) {
  life = malloc(sizeof *life);
  if (!life)
    abort();
  CHECK_PT(pthread_mutex_init(&state_mutex, NULL));
  CHECK_PT(pthread_cond_init(&state_cv, NULL));

  // One creation site for both locks: one class, as a thread library's.
  for (int round = 0; round < 2; ++round) {
    pthread_t t;
    make_life(); // the second time, another lock at the same address
    CHECK_PT(pthread_create(&t, NULL, round == 0 ? announcer : waiter, NULL));
    if (round == 0) {
      CHECK_PT(pthread_mutex_lock(&state_mutex));
      while (!announced)
        CHECK_PT(pthread_cond_wait(&state_cv, &state_mutex));
      CHECK_PT(pthread_mutex_unlock(&state_mutex));
    } else {
      await_flag(&waiter_about_to_wait, 1);
      // Taken only once the waiter sleeps in pthread_cond_wait.
      CHECK_PT(pthread_mutex_lock(&state_mutex));
      released = 1;
      CHECK_PT(pthread_cond_signal(&state_cv));
      CHECK_PT(pthread_mutex_unlock(&state_mutex));
    }
    CHECK_PT(pthread_join(t, NULL));
    CHECK_PT(pthread_mutex_destroy(life));
  }
  free(life);
  return 0;
}
