// ABBA between two statically initialised mutexes (PTHREAD_MUTEX_INITIALIZER,
// never passed to pthread_mutex_init): their classes are keyed by the
// objects' own addresses, so the two are distinct classes, each named by its
// own symbol. Threads are sequenced by create/join from main.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular locking dependency detected
// CHECK: -> #0 (mutex [[X:lock_alpha|lock_beta]]) -> (mutex [[Y:lock_alpha|lock_beta]]): acquire
// CHECK: -> #1 (mutex [[Y]]) -> (mutex [[X]]): acquire
// CHECK: SUMMARY: fencedep: lock-order mutex [[X]] -> mutex [[Y]] -> mutex [[X]] (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

pthread_mutex_t lock_alpha = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_beta = PTHREAD_MUTEX_INITIALIZER;

static void *alpha_then_beta(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_alpha));
  CHECK_PT(pthread_mutex_lock(&lock_beta));
  CHECK_PT(pthread_mutex_unlock(&lock_beta));
  CHECK_PT(pthread_mutex_unlock(&lock_alpha));
  return NULL;
}

static void *beta_then_alpha(void *arg) {
  CHECK_PT(pthread_mutex_lock(&lock_beta));
  CHECK_PT(pthread_mutex_lock(&lock_alpha));
  CHECK_PT(pthread_mutex_unlock(&lock_alpha));
  CHECK_PT(pthread_mutex_unlock(&lock_beta));
  return NULL;
}

int main(void) {
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, alpha_then_beta, NULL));
  CHECK_PT(pthread_join(t, NULL));
  CHECK_PT(pthread_create(&t, NULL, beta_then_alpha, NULL));
  CHECK_PT(pthread_join(t, NULL));
  return 0;
}
