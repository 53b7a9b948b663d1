// Clean: several threads take three locks, always in the same order (all
// three, or skipping the middle one), concurrently and many times. No cycle
// exists, nothing may be reported.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

enum { kThreads = 4, kIters = 2000 };

static pthread_mutex_t lock_a, lock_b, lock_c;
static long counter;

static void *worker(void *arg) {
  for (int i = 0; i < kIters; ++i) {
    CHECK_PT(pthread_mutex_lock(&lock_a));
    if (i % 3 != 0)
      CHECK_PT(pthread_mutex_lock(&lock_b));
    CHECK_PT(pthread_mutex_lock(&lock_c));
    ++counter;
    CHECK_PT(pthread_mutex_unlock(&lock_c));
    if (i % 3 != 0)
      CHECK_PT(pthread_mutex_unlock(&lock_b));
    CHECK_PT(pthread_mutex_unlock(&lock_a));
  }
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&lock_a, NULL));
  CHECK_PT(pthread_mutex_init(&lock_b, NULL));
  CHECK_PT(pthread_mutex_init(&lock_c, NULL));
  fencedep_set_class(&lock_a, "lockA");
  fencedep_set_class(&lock_b, "lockB");
  fencedep_set_class(&lock_c, "lockC");

  pthread_t t[kThreads];
  for (int i = 0; i < kThreads; ++i)
    CHECK_PT(pthread_create(&t[i], NULL, worker, NULL));
  for (int i = 0; i < kThreads; ++i)
    CHECK_PT(pthread_join(t[i], NULL));
  return counter == (long)kThreads * kIters ? 0 : 1;
}
