// The program of builtin_gil_handoff.c (one source, two runs).
#include "scenario.h"

static pthread_mutex_t python_lock, gil_mutex;
static pthread_cond_t gil_switch;
static int gil_taken; // protected by gil_mutex
static atomic_int taker_dropped_lock, dropper_about_to_wait;

// Named as in CPython's Python/ceval_gil.h.
__attribute__((noinline)) static void take_gil(void) {
  CHECK_PT(pthread_mutex_lock(&gil_mutex));
  gil_taken = 1;
  CHECK_PT(pthread_cond_signal(&gil_switch));
  CHECK_PT(pthread_mutex_unlock(&gil_mutex));
}

__attribute__((noinline)) static void drop_gil(void) {
  CHECK_PT(pthread_mutex_lock(&gil_mutex));
  set_flag(&dropper_about_to_wait, 1);
  while (!gil_taken)
    CHECK_PT(pthread_cond_wait(&gil_switch, &gil_mutex));
  CHECK_PT(pthread_mutex_unlock(&gil_mutex));
}

static void *taker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&python_lock));
  CHECK_PT(pthread_mutex_unlock(&python_lock));
  set_flag(&taker_dropped_lock, 1);
  await_flag(&dropper_about_to_wait, 1);
  take_gil();
  return NULL;
}

static void *dropper(void *arg) {
  await_flag(&taker_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&python_lock));
  drop_gil();
  CHECK_PT(pthread_mutex_unlock(&python_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&python_lock, NULL));
  CHECK_PT(pthread_mutex_init(&gil_mutex, NULL));
  CHECK_PT(pthread_cond_init(&gil_switch, NULL));
  pthread_t t, d;
  CHECK_PT(pthread_create(&t, NULL, taker, NULL));
  CHECK_PT(pthread_create(&d, NULL, dropper, NULL));
  CHECK_PT(pthread_join(d, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
