// Dining philosophers: five forks made in one loop (one class), each
// philosopher takes its left fork, then its right. Run together they can
// all hold a left fork forever. The philosophers eat one at a time here
// (main creates and joins each in turn), so the run never hangs.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible deadlock: a ring of locks of one class
// CHECK: SUMMARY: fencedep: lock-order{{(( mutex philosophers.c:[0-9]+:[0-9]+ in main ->){5})}} mutex philosophers.c:{{[0-9]+:[0-9]+}} in main (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

#define N 5
static pthread_mutex_t fork_lock[N];
static int meals[N];

static void *philosopher(void *arg) {
  int i = (int)(long)arg;
  pthread_mutex_t *left = &fork_lock[i], *right = &fork_lock[(i + 1) % N];
  CHECK_PT(pthread_mutex_lock(left));
  CHECK_PT(pthread_mutex_lock(right));
  ++meals[i];
  CHECK_PT(pthread_mutex_unlock(right));
  CHECK_PT(pthread_mutex_unlock(left));
  return NULL;
}

int main(void) {
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_mutex_init(&fork_lock[i], NULL));
  for (long i = 0; i < N; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, philosopher, (void *)i));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
