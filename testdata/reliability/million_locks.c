/*
 * One million distinct mutex instances, half initialised with
 * pthread_mutex_init and destroyed, half zero-initialised heap memory never
 * initialised, each taken once under an outer lock: the runtime's tables
 * absorb them (or degrade and say so) without crashing or reporting.
 */
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK: locked: 1000000
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 1000000
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;

int main(void) {
  pthread_mutex_t *locks = calloc(N, sizeof *locks);
  if (!locks)
    return 2;
  long locked = 0;
  for (long i = 0; i < N; ++i) {
    if (i % 2 == 0)
      pthread_mutex_init(&locks[i], NULL);
    pthread_mutex_lock(&outer);
    if (pthread_mutex_lock(&locks[i]) == 0) {
      ++locked;
      pthread_mutex_unlock(&locks[i]);
    }
    pthread_mutex_unlock(&outer);
    if (i % 2 == 0)
      pthread_mutex_destroy(&locks[i]);
  }
  fprintf(stderr, "locked: %ld\n", locked);
  free(locks);
  return 0;
}
