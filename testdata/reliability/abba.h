/*
 * The ABBA inversion several reliability programs use to prove the runtime
 * still works after what they put it through: two threads, run one after
 * the other so the inversion is predicted without ever deadlocking.
 */
#ifndef FENCEDEP_RELIABILITY_ABBA_H
#define FENCEDEP_RELIABILITY_ABBA_H

#include <pthread.h>

static pthread_mutex_t abba_a = PTHREAD_MUTEX_INITIALIZER, abba_b = PTHREAD_MUTEX_INITIALIZER;

static void *abba_a_then_b(void *arg) {
  (void)arg;
  pthread_mutex_lock(&abba_a);
  pthread_mutex_lock(&abba_b);
  pthread_mutex_unlock(&abba_b);
  pthread_mutex_unlock(&abba_a);
  return NULL;
}

static void *abba_b_then_a(void *arg) {
  (void)arg;
  pthread_mutex_lock(&abba_b);
  pthread_mutex_lock(&abba_a);
  pthread_mutex_unlock(&abba_a);
  pthread_mutex_unlock(&abba_b);
  return NULL;
}

/* Runs a-then-b, then b-then-a, each in its own thread. */
static void run_abba(void) {
  pthread_t t;
  pthread_create(&t, NULL, abba_a_then_b, NULL);
  pthread_join(t, NULL);
  pthread_create(&t, NULL, abba_b_then_a, NULL);
  pthread_join(t, NULL);
}

#endif
