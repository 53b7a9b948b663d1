// Twelve independent lock inversions with max_reports=3: the first three
// are printed, the rest are counted in one line at exit, and the JSON
// holds all twelve.
//
// RUN-OPTIONS: max_reports=3:json=%t.json
// EXPECT-EXIT: 66
// CHECK-COUNT-3: WARNING: possible circular locking dependency detected
// CHECK-NOT: WARNING
// CHECK: fencedep: 9 more reports in pid {{[0-9]+}} not printed (max_reports=3); all are in the JSON output
// OUTPUT-FILE: JSON %t.json
// JSON-COUNT-12: "fencedep_report":1,"kind":"lock-order"
// JSON-NOT: "fencedep_report"
#include "scenario.h"

#define N 12
static pthread_mutex_t first[N] = {[0 ... N - 1] = PTHREAD_MUTEX_INITIALIZER};
static pthread_mutex_t second[N] = {[0 ... N - 1] = PTHREAD_MUTEX_INITIALIZER};

static void *nest(void *arg) {
  int reverse = arg != NULL;
  for (int i = 0; i < N; ++i) {
    pthread_mutex_t *a = reverse ? &second[i] : &first[i], *b = reverse ? &first[i] : &second[i];
    CHECK_PT(pthread_mutex_lock(a));
    CHECK_PT(pthread_mutex_lock(b));
    CHECK_PT(pthread_mutex_unlock(b));
    CHECK_PT(pthread_mutex_unlock(a));
  }
  return NULL;
}

int main(void) {
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, nest, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, nest, (void *)1));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
