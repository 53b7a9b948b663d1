/*
 * Writes a trace and then crashes (abort): the trace stays readable up to
 * its last complete chunk, and offline analysis of it finds the ABBA
 * inversion the threads recorded before the crash.
 */
#include <pthread.h>
#include <stdlib.h>

#include "abba.h"

static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;

static void *unrelated(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; ++i) {
    pthread_mutex_lock(&c);
    pthread_mutex_unlock(&c);
  }
  return NULL;
}

int main(void) {
  void *(*steps[])(void *) = {abba_a_then_b, abba_b_then_a, unrelated};
  for (int i = 0; i < 3; ++i) {
    pthread_t t;
    pthread_create(&t, NULL, steps[i], NULL);
    pthread_join(t, NULL);
  }
  pthread_mutex_lock(&c); /* buffered in main's chunk, lost in the crash */
  abort();
}
