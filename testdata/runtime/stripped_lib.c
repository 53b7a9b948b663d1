// A deadlock inside a library shipped stripped (stripped_lib_impl.c): its
// frames print without file:line, its static locks as module+offset, and the
// report says once which module lacks debug info and how to get it.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: (libstripped_scenario.so+0x{{[0-9a-f]+}})
// CHECK: SUMMARY: fencedep: lock-order
// CHECK: fencedep: no debug info for {{.*}}libstripped_scenario.so{{.*}}: their frames show no file:line; install their debug symbols
// CHECK-NOT: no debug info for
#include "scenario.h"

void stripped_lock_pair(int reverse);

static void *worker(void *arg) {
  stripped_lock_pair(arg != NULL);
  return NULL;
}

int main(void) {
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, worker, (void *)1));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
