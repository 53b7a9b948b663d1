// A whole-process stall: a worker waits on a semaphore nobody posts; the
// main thread joins it. Every thread is blocked and none can move: the
// watchdog (hang_timeout=1) reports it, naming what each thread waits for
// and who could end it (the main thread's join: the worker).
//
// RUN-OPTIONS: hang_timeout=1
// EXPECT-EXIT: 0
// CHECK: WARNING: threads blocked: live wait-for graph
// CHECK: every thread of the process is blocked, none has moved for the timeout:
// CHECK-NEXT: 2 threads blocked:
// CHECK-DAG: waiting for semaphore hang_stall.c:{{[0-9]+:[0-9]+}} in hang (instance 0x{{[0-9a-f]+}}), never signalled
// CHECK-DAG: waiting for thread-exit worker (instance 0x{{[0-9a-f]+}}), ended by thread {{[0-9]+}}
// CHECK: SUMMARY: fencedep: live-hang
// CHECK-NOT: WARNING
#include <semaphore.h>

#include "hang_scenario.h"

static sem_t never;

static void *worker(void *arg) {
  CHECK_OK(sem_wait(&never));
  return NULL;
}

static void hang(void) {
  CHECK_OK(sem_init(&never, 0, 0));
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, worker, NULL));
  CHECK_PT(pthread_join(t, NULL));
}

int main(void) { return run_hanging(hang); }
