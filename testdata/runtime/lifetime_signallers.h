// Shared by lifetime_signaller_joined (FREE_SIGNALLER 1, clean) and
// lifetime_signaller_only (FREE_SIGNALLER 0, reported).
//
// The shape CPython's GIL switch takes in a thread pool: worker X holds its
// lifetime lock `life` (CPython's thread-state lock) and waits for work
// (hop 1: life -> work_cv); T takes the queue lock q, then hands X its work
// (hop 2: work_cv -> q); H waits on turn_cv while holding q (hop 3:
// q -> turn_cv); X signals turn_cv under life after its wait (hop 4:
// turn_cv -> life), and its joiner signals turn_cv after taking life once
// X let it go. The class edges close a cycle.
//
// With a free signaller F, which signals turn_cv without any lock (in
// CPython: every thread that takes the interpreter), H is woken whoever
// else is stuck: not a deadlock. Without it, turn_cv's only signallers are
// X, blocked on work_cv while holding life, and the joiner, which needs
// life first: if H took q before T, nothing could ever signal turn_cv.
//
// Sequenced with flags and predicates: F (when present) signals first, the
// cycle closes when H starts to wait, and the thread that wakes H does so
// only after that. Cannot hang.
#include "scenario.h"

static pthread_mutex_t life, q, work_mutex, turn_mutex;
static pthread_cond_t work_cv, turn_cv;
static int work_ready, turns; // protected by work_mutex, turn_mutex
static atomic_int free_started, x_waiting, x_done, joined, h_waiting;

static void next_turn(void) {
  CHECK_PT(pthread_mutex_lock(&turn_mutex));
  ++turns;
  CHECK_PT(pthread_cond_signal(&turn_cv));
  CHECK_PT(pthread_mutex_unlock(&turn_mutex));
}

static void *free_signaller(void *arg) {
  next_turn();
  set_flag(&free_started, 1);
  await_flag(&h_waiting, 1);
  next_turn();
  return NULL;
}

static void *worker_x(void *arg) {
  CHECK_PT(pthread_mutex_lock(&life));
  CHECK_PT(pthread_mutex_lock(&work_mutex));
  set_flag(&x_waiting, 1);
  while (!work_ready)
    CHECK_PT(pthread_cond_wait(&work_cv, &work_mutex));
  CHECK_PT(pthread_mutex_unlock(&work_mutex));
  next_turn();
  CHECK_PT(pthread_mutex_unlock(&life));
  set_flag(&x_done, 1);
  await_flag(&joined, 1);
  return NULL;
}

static void *producer_t(void *arg) {
  await_flag(&x_waiting, 1);
  CHECK_PT(pthread_mutex_lock(&q));
  CHECK_PT(pthread_mutex_unlock(&q));
  CHECK_PT(pthread_mutex_lock(&work_mutex));
  work_ready = 1;
  CHECK_PT(pthread_cond_signal(&work_cv));
  CHECK_PT(pthread_mutex_unlock(&work_mutex));
  return NULL;
}

static void *holder_h(void *arg) {
  await_flag(&joined, 1);
  CHECK_PT(pthread_mutex_lock(&q));
  CHECK_PT(pthread_mutex_lock(&turn_mutex));
  int seen = turns;
  set_flag(&h_waiting, 1);
  while (turns == seen)
    CHECK_PT(pthread_cond_wait(&turn_cv, &turn_mutex));
  CHECK_PT(pthread_mutex_unlock(&turn_mutex));
  CHECK_PT(pthread_mutex_unlock(&q));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&life, NULL));
  CHECK_PT(pthread_mutex_init(&q, NULL));
  CHECK_PT(pthread_mutex_init(&work_mutex, NULL));
  CHECK_PT(pthread_mutex_init(&turn_mutex, NULL));
  CHECK_PT(pthread_cond_init(&work_cv, NULL));
  CHECK_PT(pthread_cond_init(&turn_cv, NULL));
  // Unnamed: a named class is one object wherever it is (instances
  // interchangeable), which is not what is tested here.

  pthread_t f, x, t, h;
  if (FREE_SIGNALLER) {
    CHECK_PT(pthread_create(&f, NULL, free_signaller, NULL));
    await_flag(&free_started, 1);
  }
  // Detached, as CPython's threads are: joined through their lock only.
  pthread_attr_t detached;
  CHECK_PT(pthread_attr_init(&detached));
  CHECK_PT(pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED));
  CHECK_PT(pthread_create(&x, &detached, worker_x, NULL));
  CHECK_PT(pthread_create(&t, NULL, producer_t, NULL));
  CHECK_PT(pthread_create(&h, NULL, holder_h, NULL));

  // The join: X's lock, taken once X let it go; then a turn under it.
  await_flag(&x_done, 1);
  CHECK_PT(pthread_mutex_lock(&life));
  CHECK_PT(pthread_mutex_unlock(&life));
  next_turn();
  set_flag(&joined, 1);
  if (!FREE_SIGNALLER) {
    await_flag(&h_waiting, 1);
    next_turn();
  }
  CHECK_PT(pthread_join(h, NULL));
  CHECK_PT(pthread_join(t, NULL));
  if (FREE_SIGNALLER)
    CHECK_PT(pthread_join(f, NULL));
  CHECK_PT(pthread_attr_destroy(&detached));
  return 0;
}
