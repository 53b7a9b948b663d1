// Lock wrappers that stay functions of their own (this program is built
// with -O0: nothing is inlined): a held lock's `at:` names the function
// that called the outermost wrapper. The chain that takes c has the shape
// of libstdc++'s at -O0 (std::unique_lock's constructor -> its lock(),
// which checks ownership first and records it after -> std::mutex::lock,
// which throws on an error -> __gthread_mutex_lock, which asks whether
// threads are active first). A helper that takes two locks is not a
// wrapper and is shown itself.
//
// The first thread nests a -> c. The second (run after it) takes c in
// inverted() through the chain, then b and a in take_pair(): taking a
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

__attribute__((noinline)) static int threads_active(void) { return 1; }

__attribute__((noinline)) static int thread_lock(pthread_mutex_t *m) {
  if (threads_active())
    return pthread_mutex_lock(m);
  return 0;
}

__attribute__((noinline)) static void mutex_lock(pthread_mutex_t *m) {
  int err = thread_lock(m);
  if (err)
    abort();
}

struct guard {
  pthread_mutex_t *m;
  int owns;
};

__attribute__((noinline)) static void guard_lock(struct guard *g) {
  if (!g->m)
    abort();
  if (g->owns)
    abort();
  mutex_lock(g->m);
  g->owns = 1;
}

__attribute__((noinline)) static void guard_init(struct guard *g, pthread_mutex_t *m) {
  g->m = m;
  g->owns = 0;
  guard_lock(g);
}

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
  struct guard g;
  guard_init(&g, &c);
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
