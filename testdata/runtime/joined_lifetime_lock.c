// A worker holds its own lock for its whole life and waits under it (as
// CPython's threads hold their thread-state lock); the joiner takes that
// lock once the worker lets it go (CPython's join) and later signals the
// same condition variable for another worker. The worker's wait was over
// before the joiner took the lock: the joiner's signal cannot be what it
// waited for. Class edges close a cycle (life -> work_cv, waited under
// life; work_cv -> life, signalled after taking life), which must not be
// reported. condvar_under_lock keeps the case of a lock the signaller took
// before the waiter did.
//
// Sequenced with flags and predicates; cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t life, state_mutex;
static pthread_cond_t work_cv;
static int round_go[2]; // protected by state_mutex
static atomic_int worker_waiting, worker_done, joined;

static void wait_for_round(int round) {
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  if (round == 0)
    set_flag(&worker_waiting, 1);
  while (!round_go[round])
    CHECK_PT(pthread_cond_wait(&work_cv, &state_mutex));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
}

static void start_round(int round) {
  CHECK_PT(pthread_mutex_lock(&state_mutex));
  round_go[round] = 1;
  CHECK_PT(pthread_cond_broadcast(&work_cv));
  CHECK_PT(pthread_mutex_unlock(&state_mutex));
}

static void *lifetime_worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&life));
  wait_for_round(0);
  CHECK_PT(pthread_mutex_unlock(&life));
  set_flag(&worker_done, 1);
  // Still running when the joiner takes the lock (CPython's thread lets
  // its lock go while it tears its state down, then exits).
  await_flag(&joined, 1);
  return NULL;
}

static void *second_worker(void *arg) {
  wait_for_round(1);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&life, NULL));
  CHECK_PT(pthread_mutex_init(&state_mutex, NULL));
  CHECK_PT(pthread_cond_init(&work_cv, NULL));
  fencedep_set_class(&life, "life");
  fencedep_set_class(&work_cv, "work_cv");

  // Detached, as CPython's threads are: joined through their lock only.
  pthread_attr_t detached;
  CHECK_PT(pthread_attr_init(&detached));
  CHECK_PT(pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED));
  pthread_t first, second;
  CHECK_PT(pthread_create(&first, &detached, lifetime_worker, NULL));
  // start_round takes state_mutex: only once the worker sleeps on work_cv.
  await_flag(&worker_waiting, 1);
  start_round(0);
  // A join made of the worker's lock: taken once the worker let it go.
  await_flag(&worker_done, 1);
  CHECK_PT(pthread_mutex_lock(&life));
  CHECK_PT(pthread_mutex_unlock(&life));
  set_flag(&joined, 1);

  CHECK_PT(pthread_create(&second, NULL, second_worker, NULL));
  start_round(1);
  CHECK_PT(pthread_join(second, NULL));
  CHECK_PT(pthread_attr_destroy(&detached));
  return 0;
}
