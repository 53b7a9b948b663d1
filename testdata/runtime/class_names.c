// How unnamed classes and stacks print (the other scenarios name their
// classes or do not care): a lock class is its pthread_mutex_init call site,
// printed as `mutex FILE:LINE:COLUMN in FUNCTION`; a statically initialised
// mutex is its object, printed by its symbol as `mutex NAME`; a semaphore is
// its sem_init call site, `semaphore FILE:LINE:COLUMN in FUNCTION`; and each
// edge of the chain shows the stack where it was first seen, symbolized to
// function, file and line (-g -O0 build).
//
// The scenario is a 3-class wait cycle:
//   lock_static -> site mutex  (nested acquire)
//   site mutex -> semaphore    (sem_wait while holding the site mutex)
//   semaphore -> lock_static   (the poster took lock_static before posting)
// Sequencing: the nesting thread runs and is joined first; the poster takes
// and drops lock_static, flags it, posts, and never takes a lock again; the
// waiter waits for the flag before taking the site mutex and waiting.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: which closes the dependency cycle:
#include <semaphore.h>

#include "scenario.h"

pthread_mutex_t lock_static = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t site_mutex;
static sem_t ready;
static atomic_int poster_dropped_lock;

static void *nest_static_site(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_static));
  CHECK_PT(pthread_mutex_lock(&site_mutex)); // CHECK-DAG: in nest_static_site {{.*}}class_names.c:[[#@LINE]]
  CHECK_PT(pthread_mutex_unlock(&site_mutex));
  CHECK_PT(pthread_mutex_unlock(&lock_static));
  return NULL;
}

static void *poster(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_static));
  CHECK_PT(pthread_mutex_unlock(&lock_static));
  set_flag(&poster_dropped_lock, 1);
  CHECK_OK(sem_post(&ready)); // CHECK-DAG: in poster {{.*}}class_names.c:[[#@LINE]]
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&poster_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&site_mutex));
  CHECK_OK(sem_wait(&ready)); // CHECK-DAG: in waiter {{.*}}class_names.c:[[#@LINE]]
  CHECK_PT(pthread_mutex_unlock(&site_mutex));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&site_mutex, NULL)); // CHECK-DAG: -> #{{[0-9]}} (mutex class_names.c:[[#@LINE]]:{{[0-9]+}} in main) -> (semaphore class_names.c:[[#@LINE+1]]:{{[0-9]+}} in main): wait
  CHECK_OK(sem_init(&ready, 0, 0)); // CHECK-DAG: -> #{{[0-9]}} (semaphore class_names.c:[[#@LINE]]:{{[0-9]+}} in main) -> (mutex lock_static): signal
  // CHECK-DAG: -> #{{[0-9]}} (mutex lock_static) -> (mutex class_names.c:[[#@LINE-2]]:{{[0-9]+}} in main): acquire

  pthread_t t, p, w;
  CHECK_PT(pthread_create(&t, NULL, nest_static_site, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&p, NULL, poster, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_OK(sem_destroy(&ready));
  return 0;
}

// CHECK: Possible unsafe scenario:
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}mutex class_names.c:{{[0-9]+:[0-9]+}} in main -> {{.*}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
