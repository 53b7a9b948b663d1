// Two queues taking turns (the fake render node plays FAKE_DRM_DRIVER):
// job k of queue 0 awaits job k-1 of queue 1, job k of queue 1 awaits job
// k of queue 0, each submitted by its own thread under its own queue lock
// once the point it awaits has been submitted (a wait for submission that
// holds nothing). A thread also waits for the other queue's latest job to
// complete now and then, outside its lock.
//
// The two timelines await each other at class level; their instances
// never do (a before b before a's next): nothing may be reported. v3d has
// no timeline points: there each job has its own syncobjs.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "gpu_submit.h"

enum { kRounds = 20 };

static pthread_mutex_t lock0, lock1;
static int drm_fd;
static uint32_t ping, pong;                                 /* timelines */
static uint32_t ping_obj[kRounds + 1], pong_obj[kRounds + 1]; /* v3d */

static struct gpu_sync a(int k) {
  return gpu_has_timelines() ? (struct gpu_sync){ping, (uint64_t)k}
                             : (struct gpu_sync){ping_obj[k], 0};
}
static struct gpu_sync b(int k) {
  return gpu_has_timelines() ? (struct gpu_sync){pong, (uint64_t)k}
                             : (struct gpu_sync){pong_obj[k], 0};
}

static void *queue0(void *arg) {
  for (int k = 1; k <= kRounds; ++k) {
    struct gpu_job j = gpu_job_on(0);
    if (k > 1) {
      struct gpu_sync prev = b(k - 1);
      timeline_wait(drm_fd, prev.handle, prev.point,
                    DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
      gpu_wait_on(&j, prev.handle, prev.point);
    }
    struct gpu_sync out = a(k);
    gpu_signal(&j, out.handle, out.point);
    CHECK_PT(pthread_mutex_lock(&lock0));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&lock0));
    if (k % 5 == 0)
      timeline_wait(drm_fd, out.handle, out.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  }
  return arg;
}

static void *queue1(void *arg) {
  for (int k = 1; k <= kRounds; ++k) {
    struct gpu_sync in = a(k), out = b(k);
    timeline_wait(drm_fd, in.handle, in.point,
                  DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
    struct gpu_job j = gpu_job_on(1);
    gpu_wait_on(&j, in.handle, in.point);
    gpu_signal(&j, out.handle, out.point);
    CHECK_PT(pthread_mutex_lock(&lock1));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&lock1));
    if (k % 4 == 0)
      timeline_wait(drm_fd, in.handle, in.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  }
  struct gpu_sync last = b(kRounds);
  timeline_wait(drm_fd, last.handle, last.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&lock0, NULL));
  CHECK_PT(pthread_mutex_init(&lock1, NULL));
  drm_fd = open_render_node();
  if (gpu_has_timelines()) {
    ping = SYNCOBJ_CREATE(drm_fd, 0);
    pong = SYNCOBJ_CREATE(drm_fd, 0);
  } else {
    for (int k = 1; k <= kRounds; ++k) {
      ping_obj[k] = SYNCOBJ_CREATE(drm_fd, 0);
      pong_obj[k] = SYNCOBJ_CREATE(drm_fd, 0);
    }
  }
  pthread_t t0, t1;
  CHECK_PT(pthread_create(&t0, NULL, queue0, NULL));
  CHECK_PT(pthread_create(&t1, NULL, queue1, NULL));
  CHECK_PT(pthread_join(t0, NULL));
  CHECK_PT(pthread_join(t1, NULL));
  close(drm_fd);
  return 0;
}
