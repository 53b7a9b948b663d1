// xe user fences in a pipeline, as a long-running (compute) context runs
// one: no syncobj out-fence, each job writes a value at an address when it
// completes and threads wait for those values (DRM_IOCTL_XE_WAIT_USER_FENCE).
// A render thread waits until the present of frame k-2 is written, then,
// under its queue lock, submits frame k, which signals point k of a
// timeline and writes k to `rendered`; a present thread waits until
// `rendered` reaches k (often before frame k is submitted: a wait for its
// submission) and, under its own queue lock, submits the present of frame
// k, which awaits the timeline point and writes k to `presented`. A third
// thread waits for the last present under a lock of its own that no
// submitter takes. The waits hold nothing the submitters take: clean.
// First, the node must refuse what xe refuses and time out as xe does.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "gpu_submit.h"

enum { kFrames = 40, kInFlight = 2 };

static pthread_mutex_t render_lock, present_lock, stats_lock;
static int drm_fd;
static uint32_t frames; /* timeline */
static volatile uint64_t rendered, presented;

static void *render(void *arg) {
  for (int k = 1; k <= kFrames; ++k) {
    if (k > kInFlight)
      xe_wait_ufence(drm_fd, &presented, (uint64_t)(k - kInFlight), -1);
    struct gpu_job j = gpu_job_on(0);
    gpu_signal(&j, frames, (uint64_t)k);
    j.ufence = &rendered;
    j.ufence_value = (uint64_t)k;
    CHECK_PT(pthread_mutex_lock(&render_lock));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&render_lock));
  }
  return arg;
}

static void *present(void *arg) {
  for (int k = 1; k <= kFrames; ++k) {
    xe_wait_ufence(drm_fd, &rendered, (uint64_t)k, -1);
    struct gpu_job j = gpu_job_on(1);
    gpu_wait_on(&j, frames, (uint64_t)k);
    j.ufence = &presented;
    j.ufence_value = (uint64_t)k;
    CHECK_PT(pthread_mutex_lock(&present_lock));
    gpu_submit(drm_fd, &j);
    CHECK_PT(pthread_mutex_unlock(&present_lock));
  }
  return arg;
}

static void *stats(void *arg) {
  CHECK_PT(pthread_mutex_lock(&stats_lock));
  xe_wait_ufence(drm_fd, &presented, kFrames, -1);
  CHECK_PT(pthread_mutex_unlock(&stats_lock));
  return arg;
}

/* An exec with one user fence `y`: 0, or the errno xe answers with. */
static int exec_with(struct drm_xe_sync y) {
  struct drm_xe_exec e;
  memset(&e, 0, sizeof e);
  e.exec_queue_id = 3;
  e.num_syncs = 1;
  e.syncs = (uint64_t)(uintptr_t)&y;
  e.num_batch_buffer = 1;
  return drm_ioctl(drm_fd, DRM_IOCTL_XE_EXEC, &e) == 0 ? 0 : errno;
}

/* xe's answers (xe_sync_entry_parse, xe_wait_user_fence_ioctl). */
static void check_refusals(void) {
  static volatile uint64_t word;
  struct drm_xe_sync y;
  memset(&y, 0, sizeof y);
  y.type = DRM_XE_SYNC_TYPE_USER_FENCE;
  y.addr = (uint64_t)(uintptr_t)&word;
  y.timeline_value = 7;
  if (exec_with(y) != EOPNOTSUPP)
    scenario_fail("a user fence without DRM_XE_SYNC_FLAG_SIGNAL was not refused", EPROTO);
  y.flags = DRM_XE_SYNC_FLAG_SIGNAL;
  y.addr += 4;
  if (exec_with(y) != EINVAL)
    scenario_fail("a user fence at an address not 8-byte aligned was not refused", EPROTO);
  struct drm_xe_wait_user_fence w;
  memset(&w, 0, sizeof w);
  w.addr = (uint64_t)(uintptr_t)&word;
  w.op = DRM_XE_UFENCE_WAIT_OP_GTE;
  w.value = 7;
  w.mask = ~0ull;
  w.timeout = 20 * 1000000; /* relative: rewritten with the time left */
  if (drm_ioctl(drm_fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w) == 0 || errno != ETIME || w.timeout != 0)
    scenario_fail("a wait for a value nobody writes did not time out as xe's", EPROTO);
  w.op = 6;
  if (drm_ioctl(drm_fd, DRM_IOCTL_XE_WAIT_USER_FENCE, &w) == 0 || errno != EINVAL)
    scenario_fail("a wait with an unknown op was not refused", EPROTO);
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&render_lock, NULL));
  CHECK_PT(pthread_mutex_init(&present_lock, NULL));
  CHECK_PT(pthread_mutex_init(&stats_lock, NULL));
  drm_fd = open_render_node();
  frames = SYNCOBJ_CREATE(drm_fd, 0);
  check_refusals();
  pthread_t r, p, s;
  CHECK_PT(pthread_create(&r, NULL, render, NULL));
  CHECK_PT(pthread_create(&p, NULL, present, NULL));
  CHECK_PT(pthread_create(&s, NULL, stats, NULL));
  CHECK_PT(pthread_join(r, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_PT(pthread_join(s, NULL));
  if (rendered != kFrames || presented != kFrames)
    scenario_fail("the user fences did not reach the last frame", EIO);
  close(drm_fd);
  return 0;
}
