// A deadlock inside a library shipped stripped (stripped_lib_impl.c): its
// frames print without file:line, its static locks as module+offset (not by
// the nearest symbol the dynamic symbol table has), the place a lock was
// taken by the exported function holding it, and the report says once which
// module lacks debug info and how to get it.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: (libstripped_scenario.so+0x{{[0-9a-f]+}})
// CHECK: 1 lock held by thread {{[0-9]+}}:
// CHECK-NEXT: #0: (mutex libstripped_scenario.so+0x[[A:[0-9a-f]+]]), at: stripped_lock_pair (libstripped_scenario.so+0x{{[0-9a-f]+}})
// CHECK: SUMMARY: fencedep: lock-order mutex libstripped_scenario.so+0x[[A]] -> mutex libstripped_scenario.so+0x{{[0-9a-f]+}} -> mutex libstripped_scenario.so+0x[[A]] (pid
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
