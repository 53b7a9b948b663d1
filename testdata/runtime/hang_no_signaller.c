// A real hang: the only thread waits on a condition variable nobody will
// ever signal. With every thread of the process blocked, the watchdog
// (hang_timeout=1) reports a stall, once. The hang runs in a child process
// that the test kills once the report is out (hang_scenario.h).
//
// RUN-OPTIONS: hang_timeout=1
// EXPECT-EXIT: 0
// CHECK: WARNING: threads blocked: live wait-for graph
// CHECK-NEXT: fencedep: live-hang in pid {{[0-9]+}}, thread [[T:[0-9]+]] (hang_no_signaller)
// CHECK: every thread of the process is blocked, none has moved for the timeout:
// CHECK-NEXT: 1 thread blocked:
// CHECK: thread [[T]] blocked for {{[0-9]+}} ms at hang hang_no_signaller.c:{{[0-9]+:[0-9]+}}:
// CHECK-NEXT: waiting for condvar hang_no_signaller.c:{{[0-9]+:[0-9]+}} in hang (instance 0x{{[0-9a-f]+}}), never signalled
// CHECK: SUMMARY: fencedep: live-hang thread [[T]] waiting for condvar hang_no_signaller.c:{{[0-9]+:[0-9]+}} in hang (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "hang_scenario.h"

static pthread_mutex_t mutex;
static pthread_cond_t never;

static void hang(void) {
  CHECK_PT(pthread_mutex_init(&mutex, NULL));
  CHECK_PT(pthread_cond_init(&never, NULL));
  CHECK_PT(pthread_mutex_lock(&mutex));
  for (;;)
    CHECK_PT(pthread_cond_wait(&never, &mutex));
}

int main(void) { return run_hanging(hang); }
