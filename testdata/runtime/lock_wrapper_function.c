// A one-line lock wrapper that stays a function of its own (this program
// is built with -O0: nothing is inlined): a held lock's `at:` names the
// function that called the wrapper, found by walking one frame up. A
// helper that takes two locks is not a wrapper and is shown itself.
//
// The first thread nests a -> c. The second (run after it) takes c in
// inverted() through the wrapper, then b and a in take_pair(): taking a
// while holding c closes the inversion, reported with c held at
// inverted() and b at take_pair().
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: 2 locks held by thread {{[0-9]+}}:
// CHECK-NEXT: #0: (c), at: inverted lock_wrapper_function.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK-NEXT: #1: (b), at: take_pair lock_wrapper_function.c:{{[0-9]+}}:{{[0-9]+}}
// CHECK: SUMMARY: fencedep: lock-order
// CHECK-NOT: WARNING
#include "scenario.h"

static pthread_mutex_t a, b, c;
static atomic_int first_done;

__attribute__((noinline)) static void q_lock(pthread_mutex_t *m) { (void)pthread_mutex_lock(m); }
__attribute__((noinline)) static void q_unlock(pthread_mutex_t *m) { (void)pthread_mutex_unlock(m); }

static void *nest_in_order(void *arg) {
  q_lock(&a);
  q_lock(&c);
  q_unlock(&c);
  q_unlock(&a);
  set_flag(&first_done, 1);
  return NULL;
}

// Two locks in one helper: not a wrapper.
__attribute__((noinline)) static void take_pair(pthread_mutex_t *x, pthread_mutex_t *y) {
  CHECK_PT(pthread_mutex_lock(x));
  CHECK_PT(pthread_mutex_lock(y));
}

static void *inverted(void *arg) {
  await_flag(&first_done, 1);
  q_lock(&c);
  take_pair(&b, &a);
  q_unlock(&a);
  q_unlock(&b);
  q_unlock(&c);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&a, NULL));
  CHECK_PT(pthread_mutex_init(&b, NULL));
  CHECK_PT(pthread_mutex_init(&c, NULL));
  fencedep_set_class(&a, "a");
  fencedep_set_class(&b, "b");
  fencedep_set_class(&c, "c");
  pthread_t t1, t2;
  CHECK_PT(pthread_create(&t1, NULL, nest_in_order, NULL));
  CHECK_PT(pthread_create(&t2, NULL, inverted, NULL));
  CHECK_PT(pthread_join(t1, NULL));
  CHECK_PT(pthread_join(t2, NULL));
  return 0;
}
