// CPython's Condition.wait, many times over: a thread holding one of many
// locks made at one site waits on a fresh "waiter" (a semaphore made with
// the value 1, acquired, then acquired again: a handshake, one object of a
// one-shot class per wait), and another thread releases the waiter after
// taking another lock of the same site. Class edges close a cycle (lock ->
// waiter, waited under a lock; waiter -> lock, posted after taking one),
// but the waiting thread only ever holds even-numbered locks and the
// posting thread only takes odd-numbered ones: no objects line up, nothing
// may be reported. 200 waits each way give 40 000 pairs of samples to
// match, more than the search may try one by one: the closing edge's
// samples are looked up by the lock they end at instead.
//
// Sequenced with flags: each round's post follows its wait's start.
// Cannot hang.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include <semaphore.h>

#include "scenario.h"

enum { kRounds = 200 };

static pthread_mutex_t locks[2 * kRounds];
static sem_t waiters[kRounds];
static atomic_int waiting_round = -1;

static void *poster(void *arg) {
  for (int k = 0; k < kRounds; ++k) {
    await_flag(&waiting_round, k);
    CHECK_PT(pthread_mutex_lock(&locks[2 * k + 1]));
    CHECK_PT(pthread_mutex_unlock(&locks[2 * k + 1]));
    CHECK_OK(sem_post(&waiters[k]));
  }
  return NULL;
}

int main(void) {
  for (int i = 0; i < 2 * kRounds; ++i)
    CHECK_PT(pthread_mutex_init(&locks[i], NULL));
  pthread_t t;
  CHECK_PT(pthread_create(&t, NULL, poster, NULL));
  for (int k = 0; k < kRounds; ++k) {
    CHECK_PT(pthread_mutex_lock(&locks[2 * k]));
    CHECK_OK(sem_init(&waiters[k], 0, 1));
    CHECK_OK(sem_wait(&waiters[k]));
    set_flag(&waiting_round, k);
    CHECK_OK(sem_wait(&waiters[k]));
    CHECK_PT(pthread_mutex_unlock(&locks[2 * k]));
  }
  CHECK_PT(pthread_join(t, NULL));
  for (int k = 0; k < kRounds; ++k)
    CHECK_OK(sem_destroy(&waiters[k]));
  return 0;
}
