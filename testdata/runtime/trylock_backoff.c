// Clean: lock inversion resolved by trylock back-off. One thread nests
// A -> B; the other holds B and only *tries* A, backing off (dropping B) when
// that fails. A successful trylock records no incoming edge, so there is no
// B -> A edge and nothing may be reported.
//
// Both paths of the back-off run: first the trylock fails (the first thread
// holds A), then it succeeds. Sequenced with atomics; cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t lock_a, lock_b;
static atomic_int t1_holds_a, t2_backed_off, t1_done;
static atomic_int tries_failed;

static void *nest_a_b(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_a));
  set_flag(&t1_holds_a, 1);
  await_flag(&t2_backed_off, 1); // t2 has tried A and released B
  CHECK_PT(pthread_mutex_lock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  set_flag(&t1_done, 1);
  return NULL;
}

static void *b_then_try_a(void *arg) {
  await_flag(&t1_holds_a, 1);
  for (;;) {
    CHECK_PT(pthread_mutex_lock(&lock_b));
    int rc = pthread_mutex_trylock(&lock_a);
    if (rc == 0)
      break;
    if (rc != EBUSY)
      scenario_fail("pthread_mutex_trylock", rc);
    atomic_fetch_add(&tries_failed, 1);
    CHECK_PT(pthread_mutex_unlock(&lock_b)); // back off
    set_flag(&t2_backed_off, 1);
    await_flag(&t1_done, 1);
  }
  CHECK_PT(pthread_mutex_unlock(&lock_a));
  CHECK_PT(pthread_mutex_unlock(&lock_b));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&lock_a, NULL));
  CHECK_PT(pthread_mutex_init(&lock_b, NULL));
  fencedep_set_class(&lock_a, "lockA");
  fencedep_set_class(&lock_b, "lockB");

  pthread_t t1, t2;
  CHECK_PT(pthread_create(&t1, NULL, nest_a_b, NULL));
  CHECK_PT(pthread_create(&t2, NULL, b_then_try_a, NULL));
  CHECK_PT(pthread_join(t1, NULL));
  CHECK_PT(pthread_join(t2, NULL));
  return atomic_load(&tries_failed) == 1 ? 0 : 1;
}
