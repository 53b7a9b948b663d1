// Each of three threads holds its own private lock across its barrier
// wait. A participant's own arrival never satisfies its own wait: the wait
// depends on the other participants' arrivals, and none of them ever takes
// another's private lock. Nothing can deadlock.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "scenario.h"

#define N 3
static pthread_barrier_t barrier;
static pthread_mutex_t own_lock[N];

static void *participant(void *arg) {
  int i = (int)(long)arg;
  CHECK_PT(pthread_mutex_lock(&own_lock[i]));
  int r = pthread_barrier_wait(&barrier);
  if (r != 0 && r != PTHREAD_BARRIER_SERIAL_THREAD)
    scenario_fail("pthread_barrier_wait", r);
  CHECK_PT(pthread_mutex_unlock(&own_lock[i]));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_barrier_init(&barrier, NULL, N));
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_mutex_init(&own_lock[i], NULL));
  pthread_t t[N];
  for (long i = 0; i < N; ++i)
    CHECK_PT(pthread_create(&t[i], NULL, participant, (void *)i));
  for (int i = 0; i < N; ++i)
    CHECK_PT(pthread_join(t[i], NULL));
  return 0;
}
