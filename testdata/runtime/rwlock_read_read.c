// Clean: read-read inversions. Readers do not exclude each other (lockdep's
// recursive-read rule), so these are not deadlocks and nothing may be
// reported:
//  - two rwlocks, each taken for read, nested in both orders;
//  - an rwlock taken for read and a mutex, nested in both orders.
// Threads are sequenced by create/join from main.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_rwlock_t rw_a, rw_b, rw_c;
static pthread_mutex_t mtx;

static void *read_a_then_b(void *arg) {
  CHECK_PT(pthread_rwlock_rdlock(&rw_a));
  CHECK_PT(pthread_rwlock_rdlock(&rw_b));
  CHECK_PT(pthread_rwlock_unlock(&rw_b));
  CHECK_PT(pthread_rwlock_unlock(&rw_a));
  return NULL;
}

static void *read_b_then_a(void *arg) {
  CHECK_PT(pthread_rwlock_rdlock(&rw_b));
  CHECK_PT(pthread_rwlock_rdlock(&rw_a));
  CHECK_PT(pthread_rwlock_unlock(&rw_a));
  CHECK_PT(pthread_rwlock_unlock(&rw_b));
  return NULL;
}

static void *read_c_then_mutex(void *arg) {
  CHECK_PT(pthread_rwlock_rdlock(&rw_c));
  CHECK_PT(pthread_mutex_lock(&mtx));
  CHECK_PT(pthread_mutex_unlock(&mtx));
  CHECK_PT(pthread_rwlock_unlock(&rw_c));
  return NULL;
}

static void *mutex_then_read_c(void *arg) {
  CHECK_PT(pthread_mutex_lock(&mtx));
  CHECK_PT(pthread_rwlock_rdlock(&rw_c));
  CHECK_PT(pthread_rwlock_unlock(&rw_c));
  CHECK_PT(pthread_mutex_unlock(&mtx));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_rwlock_init(&rw_a, NULL));
  CHECK_PT(pthread_rwlock_init(&rw_b, NULL));
  CHECK_PT(pthread_rwlock_init(&rw_c, NULL));
  CHECK_PT(pthread_mutex_init(&mtx, NULL));
  fencedep_set_class(&rw_a, "rw_a");
  fencedep_set_class(&rw_b, "rw_b");
  fencedep_set_class(&rw_c, "rw_c");
  fencedep_set_class(&mtx, "mtx");

  void *(*steps[])(void *) = {read_a_then_b, read_b_then_a, read_c_then_mutex,
                              mutex_then_read_c};
  for (unsigned i = 0; i < sizeof steps / sizeof *steps; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, steps[i], NULL));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
