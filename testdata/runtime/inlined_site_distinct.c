// The same static inline init helper inlined at two different call lines:
// the innermost frame (the helper's pthread_mutex_init) is one line, but the
// chains of inlined frames differ, so these are two source sites and two
// classes, as lockdep's would be (built with -g -O2, like
// inlined_site_copies, which merges copies of one call). Thread 1 nests
// inbox -> gate, thread 2 gate -> outbox: no cycle.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

struct queue {
  pthread_mutex_t lock;
  long items;
};

static struct queue inbox, outbox;
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

__attribute__((always_inline)) static inline void queue_init(struct queue *q) {
  CHECK_PT(pthread_mutex_init(&q->lock, NULL));
  q->items = 0;
}

__attribute__((noinline)) static void make_queues(void) {
  queue_init(&inbox);
  queue_init(&outbox);
}

static void *queue_then_gate(void *arg) {
  struct queue *q = arg;
  CHECK_PT(pthread_mutex_lock(&q->lock));
  CHECK_PT(pthread_mutex_lock(&gate));
  ++q->items;
  CHECK_PT(pthread_mutex_unlock(&gate));
  CHECK_PT(pthread_mutex_unlock(&q->lock));
  return NULL;
}

static void *gate_then_queue(void *arg) {
  struct queue *q = arg;
  CHECK_PT(pthread_mutex_lock(&gate));
  CHECK_PT(pthread_mutex_lock(&q->lock));
  --q->items;
  CHECK_PT(pthread_mutex_unlock(&q->lock));
  CHECK_PT(pthread_mutex_unlock(&gate));
  return NULL;
}

int main(void) {
  make_queues();
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, queue_then_gate, &inbox));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, gate_then_queue, &outbox));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
