// An xe user fence waited on under a lock its submitter takes before it
// submits: a thread holds ring_lock and waits until the job's value is
// written at `done` (DRM_IOCTL_XE_WAIT_USER_FENCE); the submitting thread
// takes ring_lock before it submits the exec that writes it. The wait
// starts before the submission (the kernel waits for a value, submitted or
// not): it waits for the submission, which waits for ring_lock. Without
// the waiter's timeout, a deadlock.
//
// Sequencing (no real deadlock): the waiter takes ring_lock, says so and
// waits with a 300 ms timeout; the submitter then blocks on ring_lock
// until the wait has timed out, submits, and the waiter waits again
// without the lock. The user fence's class is the site of its first use:
// here the scenarios' ioctl wrapper (gpu_scenario.h), as a driver's own
// wrapper would be.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: SUMMARY
// CHECK: (fence {{[^)]+}}) -> (ring_lock): signal, first seen
// CHECK: gpu_submit
// CHECK: (ring_lock) -> (fence {{[^)]+}}): wait-for-submit, first seen
// CHECK: xe_wait_ufence
// CHECK: SUMMARY: fencedep: wait-cycle {{(ring_lock -> fence .+ -> ring_lock|fence .+ -> ring_lock -> fence .+)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

static pthread_mutex_t ring_lock;
static int drm_fd;
static volatile uint64_t done;
static atomic_int waiting;

static void *submitter(void *arg) {
  await_flag(&waiting, 1);
  CHECK_PT(pthread_mutex_lock(&ring_lock));
  struct gpu_job j = gpu_job_on(0);
  j.ufence = &done;
  j.ufence_value = 1;
  gpu_submit(drm_fd, &j);
  CHECK_PT(pthread_mutex_unlock(&ring_lock));
  return arg;
}

static void *waiter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&ring_lock));
  set_flag(&waiting, 1);
  if (xe_wait_ufence(drm_fd, &done, 1, 300 * 1000000ll) == 0)
    scenario_fail("the user fence was written while its submitter was blocked", EPROTO);
  CHECK_PT(pthread_mutex_unlock(&ring_lock));
  xe_wait_ufence(drm_fd, &done, 1, -1);
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&ring_lock, NULL));
  fencedep_set_class(&ring_lock, "ring_lock");
  drm_fd = open_render_node();
  pthread_t s, w;
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_join(s, NULL));
  CHECK_PT(pthread_join(w, NULL));
  close(drm_fd);
  return 0;
}
