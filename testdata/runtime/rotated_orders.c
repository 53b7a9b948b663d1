// Twelve locks of one class, each thread taking all of them in order
// starting at a different offset (thread k: k, k+1, ..., k-1). The first
// thread's order is a chain; the second's, starting one later, closes a
// ring (11 -> 0 after 0 -> 1 -> ... -> 11). Threads run one at a time.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible {{.*}}locks of one class
// CHECK: SUMMARY: fencedep: lock-order mutex rotated_orders.c:{{[0-9]+:[0-9]+}} in main ->
// CHECK-NOT: WARNING
#include "scenario.h"

#define N 12
static pthread_mutex_t locks[N];

static void *take_all_from(void *arg) {
  int start = (int)(long)arg;
  for (int k = 0; k < N; ++k)
    CHECK_PT(pthread_mutex_lock(&locks[(start + k) % N]));
  for (int k = N - 1; k >= 0; --k)
    CHECK_PT(pthread_mutex_unlock(&locks[(start + k) % N]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_mutex_init(&locks[i], NULL));
  for (long start = 0; start < 3; ++start) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, take_all_from, (void *)start));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
