// class=instance: one class per object, so two locks made at one site are
// two classes, and a report must say which object each is - its address
// after the site that made it (issue: "instance-level names show the
// instance"). The two locks are nested both ways, one thread after the
// other.
//
// RUN-OPTIONS: class=instance
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: SUMMARY: fencedep: lock-order mutex instance_names.c:[[LINE:[0-9]+]]:{{[0-9]+}} in make_lock @0x[[A:[0-9a-f]+]] -> mutex instance_names.c:[[LINE]]:{{[0-9]+}} in make_lock @0x{{[0-9a-f]+}} -> mutex instance_names.c:[[LINE]]:{{[0-9]+}} in make_lock @0x[[A]] (pid
// CHECK-NOT: WARNING
#include "scenario.h"

static atomic_int first_done;

static pthread_mutex_t *make_lock(void) {
  pthread_mutex_t *m = malloc(sizeof *m);
  if (!m)
    abort();
  CHECK_PT(pthread_mutex_init(m, NULL));
  return m;
}

static pthread_mutex_t *locks[2];

static void *nest(void *arg) {
  int first = *(int *)arg;
  if (first == 1)
    await_flag(&first_done, 1);
  CHECK_PT(pthread_mutex_lock(locks[first]));
  CHECK_PT(pthread_mutex_lock(locks[1 - first]));
  CHECK_PT(pthread_mutex_unlock(locks[1 - first]));
  CHECK_PT(pthread_mutex_unlock(locks[first]));
  if (first == 0)
    set_flag(&first_done, 1);
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2; ++i)
    locks[i] = make_lock();
  static int order[2] = {0, 1};
  pthread_t t[2];
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_create(&t[i], NULL, nest, &order[i]));
  for (int i = 0; i < 2; ++i)
    CHECK_PT(pthread_join(t[i], NULL));
  return 0;
}
