/*
 * fork while another thread is busy inside the runtime: the child starts
 * with its own pid and report count, finds an ABBA inversion and exits with
 * 66; the parent, which reported nothing, keeps its own status (0).
 */
// EXPECT-EXIT: 0
// CHECK: SUMMARY: fencedep: lock-order {{.*}}(pid [[CHILD:[0-9]+]])
// CHECK: child [[CHILD]] exited with 66
// CHECK-NOT: WARNING
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abba.h"

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;
static atomic_int stop;

static void *churn(void *arg) {
  (void)arg;
  while (!atomic_load(&stop)) {
    pthread_mutex_lock(&busy);
    pthread_mutex_unlock(&busy);
  }
  return NULL;
}

int main(void) {
  pthread_t c;
  pthread_create(&c, NULL, churn, NULL);
  pid_t pid = fork();
  if (pid == 0) {
    run_abba();
    return 0;
  }
  atomic_store(&stop, 1);
  pthread_join(c, NULL);
  int status = 0;
  waitpid(pid, &status, 0);
  fprintf(stderr, "child %d exited with %d\n", (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
