// One source call that the compiler emits twice: `q_init` is inlined into a
// loop that is fully unrolled, so its pthread_mutex_init has two return
// addresses, with the same file:line:column through every inlined frame.
// lockdep keys a class by source site: with debug info (this program is
// built with -g -O2) the two copies are one class. Thread 1 nests
// queue[0] -> gate, thread 2 gate -> queue[1]: a class cycle queue -> gate
// -> queue, predicted across the two queues (no object is nested both
// ways). Built without -g (inlined_site_copies_nodebug), the runtime cannot
// tell the copies from two sources and keeps two classes: no cycle.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order {{.*}}mutex inlined_site_copies.c:{{[0-9]+}}:{{[0-9]+}} in make_queues -> {{.*}} [class-predicted]
// CHECK-NOT: WARNING
#include "scenario.h"

struct queue {
  pthread_mutex_t lock;
  long items;
};

static struct queue queues[2];
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

__attribute__((always_inline)) static inline void queue_init(struct queue *q) {
  CHECK_PT(pthread_mutex_init(&q->lock, NULL));
  q->items = 0;
}

__attribute__((noinline)) static void make_queues(struct queue *v) {
#pragma clang loop unroll(full)
  for (int i = 0; i < 2; ++i)
    queue_init(&v[i]);
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
  make_queues(queues);
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, queue_then_gate, &queues[0]));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, gate_then_queue, &queues[1]));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
