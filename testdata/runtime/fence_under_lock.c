// Fence annotations: a thread waits on a fence while holding a lock that the
// signalling thread takes before it signals. (The GPU-driver pattern: waiting
// for a job under a lock the job's completion path needs.)
//
// Sequencing (no real deadlock): the signaller takes and drops the lock, says
// so through an atomic, then signals the fence and never takes the lock
// again; only then does the waiter take the lock and wait (by polling the
// fence's atomic, bracketed by fencedep_fence_wait_begin/end).
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: SUMMARY: fencedep: wait-cycle {{(submit_lock -> gpu_ring -> submit_lock|gpu_ring -> submit_lock -> gpu_ring)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

struct fence {
  atomic_int signalled;
};

static pthread_mutex_t submit_lock;
static struct fence job_fence;
static atomic_int signaller_dropped_lock;

static void fence_wait(struct fence *f) {
  fencedep_fence_wait_begin(f);
  await_flag(&f->signalled, 1);
  fencedep_fence_wait_end(f);
}

static void fence_signal(struct fence *f) {
  fencedep_fence_signal(f);
  set_flag(&f->signalled, 1);
}

static void *completion(void *arg) {
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  set_flag(&signaller_dropped_lock, 1);
  fence_signal(&job_fence);
  return NULL;
}

static void *submitter(void *arg) {
  await_flag(&signaller_dropped_lock, 1);
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  fence_wait(&job_fence);
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&submit_lock, NULL));
  fencedep_set_class(&submit_lock, "submit_lock");
  fencedep_fence_init(&job_fence, "gpu_ring", 0);

  pthread_t c, s;
  CHECK_PT(pthread_create(&c, NULL, completion, NULL));
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_join(s, NULL));
  CHECK_PT(pthread_join(c, NULL));
  return 0;
}
