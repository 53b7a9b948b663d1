// Locks made in one loop share a class; nesting two of them is invisible at
// class level. A ring of three instances, each thread holding one while
// taking the next, deadlocks when the three run together; no pair of them
// is ever nested both ways, so only the order among instances shows it.
// Threads run one after another (create/join from main), so nothing hangs.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible deadlock: a ring of locks of one class
// CHECK: instances 0x[[A:[0-9a-f]+]] -> 0x[[B:[0-9a-f]+]] -> 0x[[C:[0-9a-f]+]] -> 0x[[A]] of one class were nested in a ring
// CHECK: -> #0 (mutex [[SITE:same_class_ring.c:[0-9]+:[0-9]+ in main]], object 0x{{[0-9a-f]+}}) -> (mutex [[SITE]], object 0x{{[0-9a-f]+}}): acquire
// CHECK: (object 0x{{[0-9a-f]+}} was created at [[SITE]])
// CHECK: lock(mutex [[SITE]], object 0x{{[0-9a-f]+}});
// CHECK: SUMMARY: fencedep: lock-order mutex [[SITE]] -> mutex [[SITE]] -> mutex [[SITE]] -> mutex [[SITE]] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

#define N 3
static pthread_mutex_t ring[N];

static void *take_next(void *arg) {
  int i = (int)(long)arg;
  CHECK_PT(pthread_mutex_lock(&ring[i]));
  CHECK_PT(pthread_mutex_lock(&ring[(i + 1) % N]));
  CHECK_PT(pthread_mutex_unlock(&ring[(i + 1) % N]));
  CHECK_PT(pthread_mutex_unlock(&ring[i]));
  return NULL;
}

int main(void) {
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_mutex_init(&ring[i], NULL));
  for (long i = 0; i < N; ++i) {
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, take_next, (void *)i));
    CHECK_PT(pthread_join(t, NULL));
  }
  return 0;
}
