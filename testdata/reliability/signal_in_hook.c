/*
 * A 50 us interval timer interrupts threads that lock and unlock mutexes
 * and post semaphores in a loop; the handler posts a semaphore itself
 * (async-signal-safe). Signals land inside the runtime's hooks, which must
 * let the nested call through untouched: no hang, no crash, no report.
 */
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK: signals delivered
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/time.h>

static sem_t from_handler;
static atomic_int signals;
static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void on_alarm(int sig) {
  (void)sig;
  sem_post(&from_handler);
  atomic_fetch_add(&signals, 1);
}

static void *worker(void *arg) {
  sem_t *mine = arg;
  for (int i = 0; i < 200000; ++i) {
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    sem_post(mine);
    sem_trywait(mine);
  }
  return NULL;
}

int main(void) {
  sem_init(&from_handler, 0, 0);
  struct sigaction sa = {0};
  sa.sa_handler = on_alarm;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 50}, {0, 50}};
  setitimer(ITIMER_REAL, &it, NULL);
  sem_t sems[3];
  pthread_t t[3];
  for (int i = 0; i < 3; ++i) {
    sem_init(&sems[i], 0, 0);
    pthread_create(&t[i], NULL, worker, &sems[i]);
  }
  for (int i = 0; i < 3; ++i)
    pthread_join(t[i], NULL);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);
  fprintf(stderr, "signals delivered: %s\n", atomic_load(&signals) > 0 ? "yes" : "none");
  return 0;
}
