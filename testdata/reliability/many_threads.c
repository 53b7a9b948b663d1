/*
 * 256 threads alive at once (held at a barrier), each nesting a private
 * mutex under two shared ones in one consistent order: no report, no crash.
 */
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK: threads: 256
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define N 256
static pthread_barrier_t start;
static pthread_mutex_t g1 = PTHREAD_MUTEX_INITIALIZER, g2 = PTHREAD_MUTEX_INITIALIZER;
static atomic_int done;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_t mine;
  pthread_mutex_init(&mine, NULL);
  pthread_barrier_wait(&start);
  for (int i = 0; i < 200; ++i) {
    pthread_mutex_lock(&g1);
    pthread_mutex_lock(&g2);
    pthread_mutex_lock(&mine);
    pthread_mutex_unlock(&mine);
    pthread_mutex_unlock(&g2);
    pthread_mutex_unlock(&g1);
  }
  pthread_mutex_destroy(&mine);
  atomic_fetch_add(&done, 1);
  return NULL;
}

int main(void) {
  pthread_t t[N];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_barrier_init(&start, NULL, N);
  for (int i = 0; i < N; ++i)
    if (pthread_create(&t[i], &attr, worker, NULL) != 0)
      return 2;
  for (int i = 0; i < N; ++i)
    pthread_join(t[i], NULL);
  fprintf(stderr, "threads: %d\n", atomic_load(&done));
  return 0;
}
