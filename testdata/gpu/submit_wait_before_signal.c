// Vulkan's wait-before-signal on a timeline, against the driver's submit
// ioctl (the fake render node plays FAKE_DRM_DRIVER): a thread waits for a
// point nobody has submitted yet (TIMELINE_WAIT with WAIT_FOR_SUBMIT, as
// vkWaitSemaphores does) while holding a lock that the submitting thread
// takes before it submits the job that signals the point. If the waiter
// gets there first, the job is never submitted. The submission is what the
// waiter waits for: the cycle runs through the submit ioctl.
//
// Sequencing (no real deadlock): the submitter takes and drops the lock,
// submits, and says so; only then does the waiter take the lock and wait.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: SUMMARY
// CHECK: (submit_lock) -> (syncobj submit_wait_before_signal.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait-for-submit, first seen
// CHECK: (syncobj submit_wait_before_signal.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (submit_lock): signal, first seen
// CHECK: gpu_submit
// CHECK: SUMMARY: fencedep: wait-cycle {{(submit_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> submit_lock|syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> submit_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

static pthread_mutex_t submit_lock;
static int drm_fd;
static uint32_t timeline;
static atomic_int submitted;

static uint64_t point(void) { return gpu_has_timelines() ? 1 : 0; }

static void *submitter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  /* ... records the job under the lock ... */
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  struct gpu_job j = gpu_job_on(0);
  gpu_signal(&j, timeline, point());
  gpu_submit(drm_fd, &j);
  set_flag(&submitted, 1);
  return arg;
}

static void *waiter(void *arg) {
  await_flag(&submitted, 1);
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  timeline_wait(drm_fd, timeline, point(),
                DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&submit_lock, NULL));
  fencedep_set_class(&submit_lock, "submit_lock");
  drm_fd = open_render_node();
  timeline = SYNCOBJ_CREATE(drm_fd, 0);
  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(s, NULL));
  close(drm_fd);
  return 0;
}
