// Clean: classic producer/consumer over a bounded queue with one mutex and
// two condition variables (not_full, not_empty). Each condvar is only ever
// waited on with its own mutex, which pthread_cond_wait releases, so there is
// no edge mutex -> condvar and nothing may be reported. Runs truly
// concurrently: the pattern cannot deadlock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

enum { kSlots = 4, kItems = 5000 };

static pthread_mutex_t q_lock;
static pthread_cond_t not_full, not_empty;
static int q[kSlots], q_head, q_count;
static long consumed_sum;

static void *producer(void *arg) {
  for (int i = 1; i <= kItems; ++i) {
    CHECK_PT(pthread_mutex_lock(&q_lock));
    while (q_count == kSlots)
      CHECK_PT(pthread_cond_wait(&not_full, &q_lock));
    q[(q_head + q_count) % kSlots] = i;
    ++q_count;
    CHECK_PT(pthread_cond_signal(&not_empty));
    CHECK_PT(pthread_mutex_unlock(&q_lock));
  }
  return NULL;
}

static void *consumer(void *arg) {
  for (int i = 1; i <= kItems; ++i) {
    CHECK_PT(pthread_mutex_lock(&q_lock));
    while (q_count == 0)
      CHECK_PT(pthread_cond_wait(&not_empty, &q_lock));
    consumed_sum += q[q_head];
    q_head = (q_head + 1) % kSlots;
    --q_count;
    CHECK_PT(pthread_cond_signal(&not_full));
    CHECK_PT(pthread_mutex_unlock(&q_lock));
  }
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&q_lock, NULL));
  CHECK_PT(pthread_cond_init(&not_full, NULL));
  CHECK_PT(pthread_cond_init(&not_empty, NULL));

  pthread_t p, c;
  CHECK_PT(pthread_create(&c, NULL, consumer, NULL));
  CHECK_PT(pthread_create(&p, NULL, producer, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_PT(pthread_join(c, NULL));
  return consumed_sum == (long)kItems * (kItems + 1) / 2 ? 0 : 1;
}
