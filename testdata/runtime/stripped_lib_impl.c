// The library of stripped_lib.c, built as a shared object and stripped.
#include <pthread.h>

static pthread_mutex_t lib_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lib_b = PTHREAD_MUTEX_INITIALIZER;

void stripped_lock_pair(int reverse) {
  pthread_mutex_t *x = reverse ? &lib_b : &lib_a, *y = reverse ? &lib_a : &lib_b;
  pthread_mutex_lock(x);
  pthread_mutex_lock(y);
  pthread_mutex_unlock(y);
  pthread_mutex_unlock(x);
}
