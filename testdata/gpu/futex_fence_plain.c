// A futex-based fence (futex_fence.h, made like Mesa's util_queue_fence),
// not annotated: the runtime sees neither the wait nor the signal, nothing is reported (the limit the annotations lift: futex_fence_annotated.c).
// The pattern: a thread waits for a job's fence while holding job_lock;
// the thread that runs the job takes job_lock before it signals the fence.
// Sequenced so that nothing hangs: the job runs and signals first.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#define FUTEX_FENCE_ANNOTATE 0
#include "scenario.h"
#include "futex_fence.h"

static pthread_mutex_t job_lock;
static struct futex_fence done;
static atomic_int ran;

static void *worker(void *arg) {
  CHECK_PT(pthread_mutex_lock(&job_lock));
  /* ... takes the job under the lock ... */
  CHECK_PT(pthread_mutex_unlock(&job_lock));
  futex_fence_signal(&done);
  set_flag(&ran, 1);
  return arg;
}

static void *waiter(void *arg) {
  await_flag(&ran, 1);
  CHECK_PT(pthread_mutex_lock(&job_lock));
  if (!futex_fence_wait(&done, 5000))
    scenario_fail("futex fence wait", ETIMEDOUT);
  CHECK_PT(pthread_mutex_unlock(&job_lock));
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&job_lock, NULL));
  fencedep_set_class(&job_lock, "job_lock");
  futex_fence_init(&done, "util_queue_fence");
  pthread_t w, j;
  CHECK_PT(pthread_create(&j, NULL, worker, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(j, NULL));
  return 0;
}
