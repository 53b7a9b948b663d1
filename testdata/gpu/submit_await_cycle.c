// Two submissions, each waiting for the other's output (amdgpu: the fake
// render node plays FAKE_DRM_DRIVER=amdgpu): job A waits inside its CS
// ioctl (a SYNCOBJ_TIMELINE_WAIT chunk with WAIT_FOR_SUBMIT) for point 1
// of timeline b, which only job B will submit; job B waits the same way for
// point 1 of timeline a, which only job A will submit. Both calls block
// until the kernel gives up (5 s; the fake node's timeout is shortened
// here) and refuse their jobs: a real deadlock, bounded by the kernel.
//
// The runtime records the awaits of each job's points before its call
// blocks: the second one closes a cycle of two fence instances, a definite
// await-cycle, reported while both threads are still blocked.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: fence await cycle detected: these fences can never signal
// CHECK: fence instances [[B:0x[0-9a-f]+]] -> [[A:0x[0-9a-f]+]] -> [[B]] await each other
// CHECK: SUMMARY: fencedep: await-cycle syncobj submit_await_cycle.c:[[L:[0-9]+]]:{{[0-9]+ in [a-z_0-9]+}} -> syncobj submit_await_cycle.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}} -> syncobj submit_await_cycle.c:[[L]]:{{[0-9]+ in [a-z_0-9]+}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

static int drm_fd;
static uint32_t a, b;
static atomic_int a_started;

static void expect_refused(struct gpu_job *j) {
  if (gpu_try_submit(drm_fd, j) == 0 || errno != ETIME)
    scenario_fail("a submission waiting for another that waits for it was not refused with ETIME",
                  errno);
}

static void *job_a(void *arg) {
  struct gpu_job j = gpu_job_on(0);
  gpu_wait_on(&j, b, 1);
  gpu_signal(&j, a, 1);
  j.wait_for_submit = 1;
  set_flag(&a_started, 1);
  expect_refused(&j);
  return arg;
}

static void *job_b(void *arg) {
  await_flag(&a_started, 1);
  usleep(50000); /* job A is inside its call by now */
  struct gpu_job j = gpu_job_on(1);
  gpu_wait_on(&j, a, 1);
  gpu_signal(&j, b, 1);
  j.wait_for_submit = 1;
  expect_refused(&j);
  return arg;
}

int main(void) {
  setenv("FAKE_WFS_TIMEOUT_MS", "400", 1);
  drm_fd = open_render_node();
  a = SYNCOBJ_CREATE(drm_fd, 0);
  b = SYNCOBJ_CREATE(drm_fd, 0);
  pthread_t ta, tb;
  CHECK_PT(pthread_create(&ta, NULL, job_a, NULL));
  CHECK_PT(pthread_create(&tb, NULL, job_b, NULL));
  CHECK_PT(pthread_join(ta, NULL));
  CHECK_PT(pthread_join(tb, NULL));
  close(drm_fd);
  return 0;
}
