// Locks and condition variables made through one-line init wrappers (as
// libuv's uv_mutex_init or HotSpot's monitor constructors make them), from
// two sites, for two unrelated purposes. Were the wrapper's init call the
// class, both locks would be one class and "stats -> registry" plus
// "registry -> queue" a cycle; both condvars one class and "wait under the
// registry lock" plus "signal after the registry lock" a wait cycle. Each
// object is classed by the wrapper's caller: no cycle.
// (class_depth=0, the init call itself, reports both: wrapper_depth0.c.)
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

__attribute__((noinline)) static void new_lock(pthread_mutex_t *m) {
  CHECK_PT(pthread_mutex_init(m, NULL));
}
__attribute__((noinline)) static void new_cond(pthread_cond_t *c) {
  CHECK_PT(pthread_cond_init(c, NULL));
}

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock, queue_lock, done_mutex, work_mutex;
static pthread_cond_t done_cv, work_cv;
static int done, work;
static atomic_int done_waiting;

static void *stats_then_registry(void *arg) {
  CHECK_PT(pthread_mutex_lock(&stats_lock));
  CHECK_PT(pthread_mutex_lock(&registry));
  CHECK_PT(pthread_mutex_unlock(&registry));
  CHECK_PT(pthread_mutex_unlock(&stats_lock));
  return NULL;
}

static void *registry_then_queue(void *arg) {
  CHECK_PT(pthread_mutex_lock(&registry));
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  CHECK_PT(pthread_mutex_unlock(&registry));
  return NULL;
}

// Waits for `done` while holding the registry lock.
static void *done_waiter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&registry));
  CHECK_PT(pthread_mutex_lock(&done_mutex));
  set_flag(&done_waiting, 1);
  while (!done)
    CHECK_PT(pthread_cond_wait(&done_cv, &done_mutex));
  CHECK_PT(pthread_mutex_unlock(&done_mutex));
  CHECK_PT(pthread_mutex_unlock(&registry));
  return NULL;
}

// Signals `work` (another condvar, made by the same wrapper) after taking
// the registry lock, and finishes `done` without it.
static void *worker(void *arg) {
  await_flag(&done_waiting, 1);
  CHECK_PT(pthread_mutex_lock(&done_mutex)); // once the waiter sleeps
  done = 1;
  CHECK_PT(pthread_cond_signal(&done_cv));
  CHECK_PT(pthread_mutex_unlock(&done_mutex));
  return NULL;
}

static void *work_signaller(void *arg) {
  CHECK_PT(pthread_mutex_lock(&registry));
  CHECK_PT(pthread_mutex_unlock(&registry));
  CHECK_PT(pthread_mutex_lock(&work_mutex));
  work = 1;
  CHECK_PT(pthread_cond_signal(&work_cv));
  CHECK_PT(pthread_mutex_unlock(&work_mutex));
  return NULL;
}

static void run(void *(*fn)(void *)) {
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, fn, NULL));
  CHECK_PT(pthread_join(t, NULL));
}

int main(void) {
  new_lock(&stats_lock);
  new_lock(&queue_lock);
  new_lock(&done_mutex);
  new_lock(&work_mutex);
  new_cond(&done_cv);
  new_cond(&work_cv);
  run(stats_then_registry);
  run(registry_then_queue);
  pthread_t w, s;
  CHECK_PT(pthread_create(&w, NULL, done_waiter, NULL));
  CHECK_PT(pthread_create(&s, NULL, worker, NULL));
  CHECK_PT(pthread_join(s, NULL));
  CHECK_PT(pthread_join(w, NULL));
  run(work_signaller);
  return 0;
}
