// A thread start handshake like a JVM's (HotSpot's os::create_thread and
// thread_native_entry). Each new thread gets a start monitor (mutex +
// condvar, made in one place for every thread). The parent, holding its
// threads lock, waits on the monitor until the child has initialised; the
// child notifies it and waits until the parent starts it; the parent then
// notifies the monitor again, after taking the threads lock once more.
// Class-wise: threads_lock -> start_cv (the parent's wait) and
// start_cv -> threads_lock (the parent's later notify). But the notify
// that could be held up by the threads lock comes from the parent itself,
// which is then no longer waiting: no thread ever waits for a signal that
// needs a lock it holds. Two parents start two children each.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

struct start_monitor {
  pthread_mutex_t mutex;
  pthread_cond_t cv;
  int state; // 0 allocated, 1 initialised, 2 started
};

static pthread_mutex_t threads_lock;

__attribute__((noinline)) static void monitor_init(struct start_monitor *m) {
  CHECK_PT(pthread_mutex_init(&m->mutex, NULL));
  CHECK_PT(pthread_cond_init(&m->cv, NULL));
  m->state = 0;
}

static void *child(void *arg) {
  struct start_monitor *m = arg;
  CHECK_PT(pthread_mutex_lock(&m->mutex));
  m->state = 1;
  CHECK_PT(pthread_cond_broadcast(&m->cv));
  while (m->state != 2)
    CHECK_PT(pthread_cond_wait(&m->cv, &m->mutex));
  CHECK_PT(pthread_mutex_unlock(&m->mutex));
  return NULL;
}

static void start_child(struct start_monitor *m, pthread_t *t) {
  monitor_init(m);
  CHECK_PT(pthread_mutex_lock(&threads_lock));
  CHECK_PT(pthread_create(t, NULL, child, m));
  CHECK_PT(pthread_mutex_lock(&m->mutex));
  while (m->state == 0)
    CHECK_PT(pthread_cond_wait(&m->cv, &m->mutex));
  CHECK_PT(pthread_mutex_unlock(&m->mutex));
  CHECK_PT(pthread_mutex_unlock(&threads_lock));
  // Start the child: registered under the threads lock, then notified.
  CHECK_PT(pthread_mutex_lock(&threads_lock));
  CHECK_PT(pthread_mutex_unlock(&threads_lock));
  CHECK_PT(pthread_mutex_lock(&m->mutex));
  m->state = 2;
  CHECK_PT(pthread_cond_signal(&m->cv));
  CHECK_PT(pthread_mutex_unlock(&m->mutex));
}

static void *parent(void *arg) {
  struct start_monitor monitors[2];
  pthread_t children[2];
  for (int i = 0; i < 2; ++i)
    start_child(&monitors[i], &children[i]);
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_join(children[i], NULL));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&threads_lock, NULL));
  pthread_t parents[2];
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_create(&parents[i], NULL, parent, NULL));
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_join(parents[i], NULL));
  return 0;
}
