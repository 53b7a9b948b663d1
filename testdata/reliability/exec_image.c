/*
 * The program replaces itself with exec: the runtime is loaded again into
 * the new image (LD_PRELOAD and FENCEDEP_OPTIONS are inherited), which
 * reports its ABBA inversion and exits with 66.
 */
// EXPECT-EXIT: 66
// CHECK: exec'ing
// CHECK: SUMMARY: fencedep: lock-order
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg) {
  (void)arg;
  pthread_mutex_lock(&a);
  pthread_mutex_lock(&b);
  pthread_mutex_unlock(&b);
  pthread_mutex_unlock(&a);
  return NULL;
}

static void *b_then_a(void *arg) {
  (void)arg;
  pthread_mutex_lock(&b);
  pthread_mutex_lock(&a);
  pthread_mutex_unlock(&a);
  pthread_mutex_unlock(&b);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
    pthread_t t;
    pthread_create(&t, NULL, a_then_b, NULL);
    pthread_join(t, NULL);
    pthread_create(&t, NULL, b_then_a, NULL);
    pthread_join(t, NULL);
    return 0;
  }
  fprintf(stderr, "exec'ing\n");
  execl("/proc/self/exe", argv[0], "after-exec", (char *)NULL);
  perror("execl");
  return 2;
}
