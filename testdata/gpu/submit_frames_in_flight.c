// Frames in flight through the driver's submit ioctl (the fake render node
// plays FAKE_DRM_DRIVER), as a Vulkan renderer runs them: a render thread
// waits for the present of the frame two back before it submits the next
// frame's job on queue 0, which awaits that present; a present thread waits
// for each frame and submits its present job on queue 1, which awaits the
// frame. Each submission is made under its thread's queue lock; the waits
// hold nothing.
//
// The frame and present timelines await each other at class level, and
// each submission follows a completed wait on the other timeline: the
// class graph is a cycle of completions, the instances are not (frame k
// awaits present k-2, present k awaits frame k). Nothing may be reported.
// v3d has no timeline points: there each frame has its own syncobjs.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "gpu_submit.h"

enum { kFrames = 24, kInFlight = 2 };

static pthread_mutex_t render_lock, present_lock;
static int drm_fd;
static uint32_t frames, presents;                              /* timelines */
static uint32_t frame_obj[kFrames + 1], present_obj[kFrames + 1]; /* v3d */

static struct gpu_sync frame(int k) {
  return gpu_has_timelines() ? (struct gpu_sync){frames, (uint64_t)k}
                             : (struct gpu_sync){frame_obj[k], 0};
}
static struct gpu_sync present(int k) {
  return gpu_has_timelines() ? (struct gpu_sync){presents, (uint64_t)k}
                             : (struct gpu_sync){present_obj[k], 0};
}

static void *render(void *arg) {
  for (int k = 1; k <= kFrames; ++k) {
    struct gpu_job j = gpu_job_on(0);
    if (k > kInFlight) {
      struct gpu_sync p = present(k - kInFlight);
      timeline_wait(drm_fd, p.handle, p.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
      gpu_wait_on(&j, p.handle, p.point);
    }
    struct gpu_sync f = frame(k);
    gpu_signal(&j, f.handle, f.point);
    CHECK_PT(pthread_mutex_lock(&render_lock));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&render_lock));
  }
  return arg;
}

static void *presenter(void *arg) {
  for (int k = 1; k <= kFrames; ++k) {
    struct gpu_sync f = frame(k), p = present(k);
    timeline_wait(drm_fd, f.handle, f.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
    struct gpu_job j = gpu_job_on(1);
    gpu_wait_on(&j, f.handle, f.point);
    gpu_signal(&j, p.handle, p.point);
    CHECK_PT(pthread_mutex_lock(&present_lock));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&present_lock));
  }
  /* The last present has completed before the program ends. */
  struct gpu_sync last = present(kFrames);
  timeline_wait(drm_fd, last.handle, last.point, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&render_lock, NULL));
  CHECK_PT(pthread_mutex_init(&present_lock, NULL));
  drm_fd = open_render_node();
  if (gpu_has_timelines()) {
    frames = SYNCOBJ_CREATE(drm_fd, 0);
    presents = SYNCOBJ_CREATE(drm_fd, 0);
  } else {
    for (int k = 1; k <= kFrames; ++k) {
      frame_obj[k] = SYNCOBJ_CREATE(drm_fd, 0);
      present_obj[k] = SYNCOBJ_CREATE(drm_fd, 0);
    }
  }
  pthread_t r, p;
  CHECK_PT(pthread_create(&r, NULL, render, NULL));
  CHECK_PT(pthread_create(&p, NULL, presenter, NULL));
  CHECK_PT(pthread_join(r, NULL));
  CHECK_PT(pthread_join(p, NULL));
  close(drm_fd);
  return 0;
}
