// Clean: the textbook bounded buffer with two counting semaphores (empty
// slots, full slots) and a mutex for the ring. The producer waits on "empty"
// and posts "full", the consumer the reverse. A counting wait that completed
// does not carry into later signals, so this must NOT be seen as the cycle
// empty -> full -> empty. Runs truly concurrently: it cannot deadlock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <semaphore.h>

#include "scenario.h"

enum { kSlots = 4, kItems = 5000 };

static pthread_mutex_t ring_lock;
static sem_t empty_slots, full_slots;
static int ring[kSlots], head, tail;
static long consumed_sum;

static void *producer(void *arg) {
  for (int i = 1; i <= kItems; ++i) {
    CHECK_OK(sem_wait(&empty_slots));
    CHECK_PT(pthread_mutex_lock(&ring_lock));
    ring[tail] = i;
    tail = (tail + 1) % kSlots;
    CHECK_PT(pthread_mutex_unlock(&ring_lock));
    CHECK_OK(sem_post(&full_slots));
  }
  return NULL;
}

static void *consumer(void *arg) {
  for (int i = 1; i <= kItems; ++i) {
    CHECK_OK(sem_wait(&full_slots));
    CHECK_PT(pthread_mutex_lock(&ring_lock));
    consumed_sum += ring[head];
    head = (head + 1) % kSlots;
    CHECK_PT(pthread_mutex_unlock(&ring_lock));
    CHECK_OK(sem_post(&empty_slots));
  }
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&ring_lock, NULL));
  CHECK_OK(sem_init(&empty_slots, 0, kSlots));
  CHECK_OK(sem_init(&full_slots, 0, 0));
  fencedep_set_class(&ring_lock, "ring_lock");
  fencedep_set_class(&empty_slots, "empty_slots");
  fencedep_set_class(&full_slots, "full_slots");

  pthread_t p, c;
  CHECK_PT(pthread_create(&c, NULL, consumer, NULL));
  CHECK_PT(pthread_create(&p, NULL, producer, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_PT(pthread_join(c, NULL));
  CHECK_OK(sem_destroy(&empty_slots));
  CHECK_OK(sem_destroy(&full_slots));
  return consumed_sum == (long)kItems * (kItems + 1) / 2 ? 0 : 1;
}
