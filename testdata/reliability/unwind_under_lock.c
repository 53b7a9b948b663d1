// A program linked with libunwind (as the X server is) that calls
// unw_backtrace while holding a lock of its own. libunwind takes its own
// locks inside; each new nesting makes the runtime capture a stack. The
// runtime must not call into the host's unwinder to do that - libunwind
// exports _Unwind_Backtrace too, and would need the lock its own thread
// already holds: a self-deadlock (the X server hung at start-up). Four
// threads do it at once, twice.
//
// EXPECT-EXIT: 0
// CHECK: backtraces taken: 8
// CHECK-NOT: WARNING
#include <libunwind.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t app_lock[4];
static int depths[8];

static void *trace_under_lock(void *arg) {
  int i = (int)(long)arg;
  for (int round = 0; round < 2; ++round) {
    pthread_mutex_lock(&app_lock[i]);
    void *pcs[32];
    depths[i * 2 + round] = unw_backtrace(pcs, 32);
    pthread_mutex_unlock(&app_lock[i]);
  }
  return NULL;
}

int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; ++i) {
    pthread_mutex_init(&app_lock[i], NULL);
    if (pthread_create(&t[i], NULL, trace_under_lock, (void *)i) != 0)
      return 2;
  }
  for (int i = 0; i < 4; ++i)
    pthread_join(t[i], NULL);
  int taken = 0;
  for (int i = 0; i < 8; ++i)
    taken += depths[i] > 0;
  fprintf(stderr, "backtraces taken: %d\n", taken);
  return taken == 8 ? 0 : 1;
}
