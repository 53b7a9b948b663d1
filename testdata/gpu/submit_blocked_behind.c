// A queue submission waiting for a point that only a submission blocked
// behind it will produce (the fake render node plays FAKE_DRM_DRIVER): the
// queue thread holds the queue's lock while its job waits for timeline
// point 1 to be submitted (Vulkan's wait-before-signal); the thread that
// will submit point 1 submits to the same queue, so it takes the queue
// lock first, and waits behind the job that waits for it.
//
// amdgpu makes that wait inside its submit ioctl (a SYNCOBJ_TIMELINE_WAIT
// chunk with DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT); the other drivers
// take only submitted in-fences, so their userspace (Mesa's queue submit
// thread) first waits for the point's submission (WAIT_AVAILABLE) and then
// submits. Either way the wait is recorded before it may block.
//
// Sequencing (no real deadlock): the producer takes the lock, submits point
// 1, drops the lock and says so; then the queue thread takes the lock and
// submits its job, whose wait returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: SUMMARY
// CHECK: (queue_lock) -> (syncobj submit_blocked_behind.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait-for-submit, first seen
// CHECK: (syncobj submit_blocked_behind.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (queue_lock): signal, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{(queue_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> queue_lock|syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> queue_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

static pthread_mutex_t queue_lock;
static int drm_fd;
static uint32_t timeline, done;
static atomic_int produced;

static uint64_t point(void) { return gpu_has_timelines() ? 1 : 0; }

static void *producer(void *arg) {
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  struct gpu_job j = gpu_job_on(0);
  gpu_signal(&j, timeline, point());
  gpu_submit(drm_fd, &j);
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  set_flag(&produced, 1);
  return arg;
}

static void *queue_thread(void *arg) {
  await_flag(&produced, 1);
  CHECK_PT(pthread_mutex_lock(&queue_lock));
  struct gpu_job j = gpu_job_on(0);
  gpu_wait_on(&j, timeline, point());
  gpu_signal(&j, done, 0);
  if (gpu_driver() == GPU_AMDGPU)
    j.wait_for_submit = 1; /* the kernel waits, inside the call */
  else
    timeline_wait(drm_fd, timeline, point(),
                  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
  gpu_submit(drm_fd, &j);
  CHECK_PT(pthread_mutex_unlock(&queue_lock));
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  fencedep_set_class(&queue_lock, "queue_lock");
  drm_fd = open_render_node();
  timeline = SYNCOBJ_CREATE(drm_fd, 0);
  done = SYNCOBJ_CREATE(drm_fd, 0);
  pthread_t p, q;
  CHECK_PT(pthread_create(&p, NULL, producer, NULL));
  CHECK_PT(pthread_create(&q, NULL, queue_thread, NULL));
  CHECK_PT(pthread_join(q, NULL));
  CHECK_PT(pthread_join(p, NULL));
  syncobj_wait(drm_fd, done, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  close(drm_fd);
  return 0;
}
