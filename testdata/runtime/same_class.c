// Inversion between two instances of one class: both mutexes are initialised
// at the same call site, so they share a class. One thread nests
// bucket[0] -> bucket[1], a later one bucket[1] -> bucket[0]. The class graph
// alone only sees "bucket -> bucket"; the runtime must notice that the same
// two instances were nested in both orders. Threads are sequenced by
// create/join from main, so nothing ever hangs.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible ABBA deadlock between two locks of one class
// CHECK: instances 0x{{[0-9a-f]+}} and 0x{{[0-9a-f]+}} of one class were nested in both orders
// CHECK: SUMMARY: fencedep: lock-order mutex [[CLS:same_class.c:[0-9]+:[0-9]+ in main]] -> mutex [[CLS]]{{( -> mutex same_class.c:[0-9]+:[0-9]+ in main)?}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t bucket[2];

static void *lock_pair(void *arg) {
  int first = *(const int *)arg;
  CHECK_PT(pthread_mutex_lock(&bucket[first]));
  CHECK_PT(pthread_mutex_lock(&bucket[1 - first]));
  CHECK_PT(pthread_mutex_unlock(&bucket[1 - first]));
  CHECK_PT(pthread_mutex_unlock(&bucket[first]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_mutex_init(&bucket[i], NULL));
  static const int order[2] = {0, 1};
  for (int i = 0; i < 2; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, lock_pair, (void *)&order[i]));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
