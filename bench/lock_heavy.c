/* A lock-heavy program for measuring fencedep's runtime overhead.
 *
 * Two threads each nest two private mutexes NEST times (lock a, lock b,
 * unlock b, unlock a: one consistent order, so nothing is reported), then
 * the two threads ping-pong PINGPONG times over a pair of semaphores.
 *
 *   usage: lock_heavy [NEST [PINGPONG]]     defaults: 2000000 100000
 *
 * Prints the time of each phase to stdout; exit status 0 on success. Plain C
 * and pthreads only, so that it runs natively, under LD_PRELOAD=libfencedep.so
 * and under valgrind's helgrind alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct worker {
  int id;
  long nest;
  long pingpong;
  pthread_mutex_t a, b; /* private to this thread */
  volatile unsigned long counter;
  double nest_seconds;
};

static sem_t ping, pong;
static pthread_barrier_t start_line;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int err) {
  fprintf(stderr, "lock_heavy: %s: %s\n", what, strerror(err));
  exit(2);
}

static void sem_wait_retry(sem_t *s) {
  while (sem_wait(s) != 0) {
    if (errno != EINTR)
      die("sem_wait", errno);
  }
}

static void *run(void *arg) {
  struct worker *w = arg;
  pthread_barrier_wait(&start_line);
  double t0 = now();
  for (long i = 0; i < w->nest; ++i) {
    pthread_mutex_lock(&w->a);
    pthread_mutex_lock(&w->b);
    w->counter++;
    pthread_mutex_unlock(&w->b);
    pthread_mutex_unlock(&w->a);
  }
  w->nest_seconds = now() - t0;
  /* Ping-pong: thread 0 serves, thread 1 returns. */
  for (long i = 0; i < w->pingpong; ++i) {
    if (w->id == 0) {
      sem_post(&ping);
      sem_wait_retry(&pong);
    } else {
      sem_wait_retry(&ping);
      sem_post(&pong);
    }
  }
  return NULL;
}

static long arg_count(const char *s, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < 0) {
    fprintf(stderr, "lock_heavy: bad %s count '%s'\n", what, s);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv) {
  long nest = 2000000, pingpong = 100000;
  if (argc > 3) {
    fprintf(stderr, "usage: %s [NEST [PINGPONG]]\n", argv[0]);
    return 2;
  }
  if (argc > 1)
    nest = arg_count(argv[1], "nest");
  if (argc > 2)
    pingpong = arg_count(argv[2], "ping-pong");

  struct worker w[2];
  pthread_t th[2];
  int err;
  if (sem_init(&ping, 0, 0) || sem_init(&pong, 0, 0))
    die("sem_init", errno);
  if ((err = pthread_barrier_init(&start_line, NULL, 3)))
    die("pthread_barrier_init", err);
  for (int i = 0; i < 2; ++i) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].id = i;
    w[i].nest = nest;
    w[i].pingpong = pingpong;
    pthread_mutex_init(&w[i].a, NULL);
    pthread_mutex_init(&w[i].b, NULL);
    if ((err = pthread_create(&th[i], NULL, run, &w[i])))
      die("pthread_create", err);
  }
  double t0 = now();
  pthread_barrier_wait(&start_line);
  for (int i = 0; i < 2; ++i)
    if ((err = pthread_join(th[i], NULL)))
      die("pthread_join", err);
  double total = now() - t0;

  for (int i = 0; i < 2; ++i) {
    if (w[i].counter != (unsigned long)nest) {
      fprintf(stderr, "lock_heavy: thread %d counted %lu, expected %ld\n", i, w[i].counter,
              nest);
      return 1;
    }
    pthread_mutex_destroy(&w[i].a);
    pthread_mutex_destroy(&w[i].b);
  }
  double nest_s = w[0].nest_seconds > w[1].nest_seconds ? w[0].nest_seconds : w[1].nest_seconds;
  printf("lock_heavy: nest=%ld pingpong=%ld nest_seconds=%.6f pingpong_seconds=%.6f "
         "total_seconds=%.6f\n",
         nest, pingpong, nest_s, total - nest_s, total);
  pthread_barrier_destroy(&start_line);
  sem_destroy(&ping);
  sem_destroy(&pong);
  return 0;
}
