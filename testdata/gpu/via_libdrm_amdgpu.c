// The submission model seen through what real drivers call: Debian's
// libdrm and libdrm_amdgpu (amdgpu_device_initialize, amdgpu_cs_ctx_create2,
// amdgpu_cs_create_syncobj2, amdgpu_cs_submit_raw2,
// amdgpu_cs_syncobj_timeline_wait, amdgpu_cs_query_fence_status,
// drmSyncobjWait), against the fake render node playing amdgpu. The
// scenario is submit_wait_before_signal's: a thread waits for a timeline
// point to be submitted while holding a lock that the submitting thread
// takes before it submits the job that signals the point. Around it, clean
// traffic: a job waited for through its sequence number (DRM_AMDGPU_WAIT_CS)
// and through its out syncobj, neither under a lock its submitter needs.
//
// The syncobjs are created through libdrm: their class is the first caller
// outside it, this file.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: SUMMARY
// CHECK: (submit_lock) -> (syncobj via_libdrm_amdgpu.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait-for-submit, first seen
// CHECK: in drmSyncobjTimelineWait
// CHECK: (syncobj via_libdrm_amdgpu.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (submit_lock): signal, first seen
// CHECK: in amdgpu_cs_submit_raw2
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}submit_lock{{.*}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "scenario.h"

#include <amdgpu.h>
#include <amdgpu_drm.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#include <xf86drm.h>

// The fake render node's (gpu_scenario.h spells the kernel ABI out itself,
// which libdrm's headers also do).
#define RENDER_NODE "/dev/dri/renderD128"

static int64_t deadline_ms(int64_t ms) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ms * 1000000;
}

static pthread_mutex_t submit_lock;
static amdgpu_device_handle dev;
static amdgpu_context_handle ctx;
static uint32_t timeline, done;
static atomic_int submitted;

static void check(int r, const char *what) {
  if (r)
    scenario_fail(what, r < 0 ? -r : r);
}

// One job on the GFX ring: waits on `wait` (0: none), signals `signal`
// at `point` (0: a binary syncobj). Returns its sequence number.
static uint64_t submit(uint32_t wait, uint32_t signal, uint64_t point) {
  struct drm_amdgpu_cs_chunk_ib ib = {0};
  ib.ip_type = AMDGPU_HW_IP_GFX;
  ib.ib_bytes = 16;
  ib.va_start = 0x100000;
  struct drm_amdgpu_cs_chunk_sem in = {wait};
  struct drm_amdgpu_cs_chunk_syncobj out = {signal, 0, point};
  struct drm_amdgpu_cs_chunk chunks[3];
  int n = 0;
  chunks[n++] = (struct drm_amdgpu_cs_chunk){AMDGPU_CHUNK_ID_IB, sizeof ib / 4,
                                             (uint64_t)(uintptr_t)&ib};
  if (wait)
    chunks[n++] = (struct drm_amdgpu_cs_chunk){AMDGPU_CHUNK_ID_SYNCOBJ_IN, sizeof in / 4,
                                               (uint64_t)(uintptr_t)&in};
  chunks[n++] = (struct drm_amdgpu_cs_chunk){AMDGPU_CHUNK_ID_SYNCOBJ_TIMELINE_SIGNAL,
                                             sizeof out / 4, (uint64_t)(uintptr_t)&out};
  uint64_t seq = 0;
  check(amdgpu_cs_submit_raw2(dev, ctx, 0, n, chunks, &seq), "amdgpu_cs_submit_raw2");
  return seq;
}

static void *submitter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  submit(0, timeline, 1);
  set_flag(&submitted, 1);
  return arg;
}

static void *waiter(void *arg) {
  await_flag(&submitted, 1);
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  uint64_t point = 1;
  check(amdgpu_cs_syncobj_timeline_wait(
            dev, &timeline, &point, 1, deadline_ms(5000),
            DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL),
        "amdgpu_cs_syncobj_timeline_wait");
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&submit_lock, NULL));
  fencedep_set_class(&submit_lock, "submit_lock");
  int fd = open(RENDER_NODE, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    scenario_fail("open " RENDER_NODE " (is the fake render node preloaded?)", errno);
  uint32_t major, minor;
  check(amdgpu_device_initialize(fd, &major, &minor, &dev), "amdgpu_device_initialize");
  check(amdgpu_cs_ctx_create2(dev, AMDGPU_CTX_PRIORITY_NORMAL, &ctx), "amdgpu_cs_ctx_create2");
  check(amdgpu_cs_create_syncobj2(dev, 0, &timeline), "amdgpu_cs_create_syncobj2");
  check(amdgpu_cs_create_syncobj2(dev, 0, &done), "amdgpu_cs_create_syncobj2");

  // Clean: a job waited for by its sequence number and by its syncobj.
  struct amdgpu_cs_fence fence = {ctx, AMDGPU_HW_IP_GFX, 0, 0, submit(0, done, 0)};
  uint32_t expired = 0;
  check(amdgpu_cs_query_fence_status(&fence, 5000000000ull, 0, &expired),
        "amdgpu_cs_query_fence_status");
  if (!expired)
    scenario_fail("amdgpu_cs_query_fence_status: job not done", ETIMEDOUT);
  check(drmSyncobjWait(amdgpu_device_get_fd(dev), &done, 1, deadline_ms(5000),
                       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL),
        "drmSyncobjWait");

  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(s, NULL));
  check(amdgpu_cs_ctx_free(ctx), "amdgpu_cs_ctx_free");
  check(amdgpu_device_deinitialize(dev), "amdgpu_device_deinitialize");
  close(fd);
  return 0;
}
