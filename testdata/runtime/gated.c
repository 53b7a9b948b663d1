// Clean by default: an A/B inversion where every nesting happens under one
// common gate mutex, held for writing. Two threads can never be inside the
// inverted sections at the same time, so the cycle A -> B -> A cannot
// deadlock; the runtime hides it unless report_gated=1 (see gated_report.c,
// which runs this same program with that option).
// Threads are sequenced by create/join from main.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t gate_lock, lock_a, lock_b;

static void *gated_ab(void *arg) {
  CHECK_PT(pthread_mutex_lock(&gate_lock));
  CHECK_PT(pthread_mutex_lock(&lock_a));
  CHECK_PT(pthread_mutex_lock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&gate_lock));
  return NULL;
}

static void *gated_ba(void *arg) {
  CHECK_PT(pthread_mutex_lock(&gate_lock));
  CHECK_PT(pthread_mutex_lock(&lock_b));
  CHECK_PT(pthread_mutex_lock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&gate_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&gate_lock, NULL));
  CHECK_PT(pthread_mutex_init(&lock_a, NULL));
  CHECK_PT(pthread_mutex_init(&lock_b, NULL));
  fencedep_set_class(&gate_lock, "gate_lock");
  fencedep_set_class(&lock_a, "lockA");
  fencedep_set_class(&lock_b, "lockB");

  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, gated_ab, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, gated_ba, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
