// Thirty locks made in one loop, nested pairwise along a chain
// 0 -> 1 -> ... -> 29 and then 29 -> 0 by a last thread: a ring of thirty
// instances of one class. Every pair is nested in one direction only.
// Threads run one after another, so nothing hangs.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible deadlock: a ring of locks of one class
// CHECK: a ring of 30 instances of one class
// CHECK: SUMMARY: fencedep: lock-order{{(( mutex same_class_chain30.c:[0-9]+:[0-9]+ in main ->){30})}} mutex same_class_chain30.c:{{[0-9]+:[0-9]+}} in main (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

#define N 30
static pthread_mutex_t chain[N];

static void *nest_pair(void *arg) {
  int i = (int)(long)arg;
  CHECK_PT(pthread_mutex_lock(&chain[i]));
  CHECK_PT(pthread_mutex_lock(&chain[(i + 1) % N]));
  CHECK_PT(pthread_mutex_unlock(&chain[(i + 1) % N]));
  CHECK_PT(pthread_mutex_unlock(&chain[i]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_mutex_init(&chain[i], NULL));
  for (long i = 0; i < N; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, nest_pair, (void *)i));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
