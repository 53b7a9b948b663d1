// What a plain wait on a GPU job's fence depends on (the fake render node
// plays FAKE_DRM_DRIVER): the job's in-fences, not the thread that
// submitted it.
//
// First, nothing to report: a thread waits under submit_lock for a job's
// out-fence that the submitting thread submitted after taking
// submit_lock. The job was submitted before the wait began, and the GPU
// completes it without its submitter.
//
// Then, a cycle: a job awaits a syncobj that a third thread signals from
// the host after taking signal_lock; a thread waits for the job under
// signal_lock. The GPU can run the job only once the syncobj is signalled,
// and the signaller (next time) needs signal_lock. The wait is on the job's
// own fence where the driver has one the program can name (amdgpu's
// sequence number through DRM_IOCTL_AMDGPU_WAIT_CS, msm's fence through
// DRM_IOCTL_MSM_WAIT_FENCE, an out sync_file for i915 and virtio-gpu,
// polled), else on its out syncobj: the cycle runs through the job's await
// of its in-fence either way.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK-NOT: SUMMARY
// CHECK: (signal_lock) -> ({{(syncobj submit_completion.c|fence gpu_scenario.h):[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait, first seen
// CHECK: -> (syncobj submit_completion.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): await, first seen
// CHECK: (syncobj submit_completion.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (signal_lock): signal, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{.*}}signal_lock{{.*}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_submit.h"

static pthread_mutex_t submit_lock, signal_lock;
static int drm_fd;
static uint32_t first_out, in_fence, second_out;
static atomic_int step;

static void *submitter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  struct gpu_job j = gpu_job_on(0);
  gpu_signal(&j, first_out, 0);
  gpu_submit(drm_fd, &j);
  set_flag(&step, 1);

  await_flag(&step, 3);
  struct gpu_job k = gpu_job_on(0);
  gpu_wait_on(&k, in_fence, 0);
  gpu_signal(&k, second_out, 0);
  k.want_out_fd = gpu_driver() == GPU_I915 || gpu_driver() == GPU_VIRTGPU;
  gpu_submit(drm_fd, &k);
  return (void *)(uintptr_t)(k.want_out_fd ? (uint64_t)k.out_fd : k.seq);
}

static void wait_for_job(uint64_t seq_or_fd) {
  switch (gpu_driver()) {
  case GPU_AMDGPU: {
    union drm_amdgpu_wait_cs w;
    memset(&w, 0, sizeof w);
    w.in.handle = seq_or_fd;
    w.in.timeout = (uint64_t)deadline_ms(5000);
    w.in.ip_type = AMDGPU_HW_IP_GFX;
    w.in.ctx_id = gpu_amdgpu_ctx(drm_fd);
    if (drm_ioctl(drm_fd, DRM_IOCTL_AMDGPU_WAIT_CS, &w) != 0 || w.out.status != 0)
      scenario_fail("DRM_IOCTL_AMDGPU_WAIT_CS", errno ? errno : ETIMEDOUT);
    break;
  }
  case GPU_MSM: {
    struct drm_msm_wait_fence w;
    memset(&w, 0, sizeof w);
    int64_t at = deadline_ms(5000);
    w.fence = (uint32_t)seq_or_fd;
    w.timeout.tv_sec = at / 1000000000;
    w.timeout.tv_nsec = at % 1000000000;
    w.queueid = 0;
    if (drm_ioctl(drm_fd, DRM_IOCTL_MSM_WAIT_FENCE, &w) != 0)
      scenario_fail("DRM_IOCTL_MSM_WAIT_FENCE", errno);
    break;
  }
  case GPU_I915:
  case GPU_VIRTGPU:
    poll_in((int)seq_or_fd);
    close((int)seq_or_fd);
    break;
  default:
    syncobj_wait(drm_fd, second_out, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  }
}

static void *waiter(void *arg) {
  pthread_t *sub = arg;
  await_flag(&step, 1);
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  syncobj_wait(drm_fd, first_out, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  set_flag(&step, 2);

  void *job;
  CHECK_PT(pthread_join(*sub, &job));
  CHECK_PT(pthread_mutex_lock(&signal_lock));
  wait_for_job((uint64_t)(uintptr_t)job);
  CHECK_PT(pthread_mutex_unlock(&signal_lock));
  return NULL;
}

static void *signaller(void *arg) {
  await_flag(&step, 2);
  CHECK_PT(pthread_mutex_lock(&signal_lock));
  CHECK_PT(pthread_mutex_unlock(&signal_lock));
  syncobj_signal(drm_fd, in_fence);
  set_flag(&step, 3);
  return arg;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&submit_lock, NULL));
  CHECK_PT(pthread_mutex_init(&signal_lock, NULL));
  fencedep_set_class(&submit_lock, "submit_lock");
  fencedep_set_class(&signal_lock, "signal_lock");
  drm_fd = open_render_node();
  first_out = SYNCOBJ_CREATE(drm_fd, 0);
  in_fence = SYNCOBJ_CREATE(drm_fd, 0);
  second_out = SYNCOBJ_CREATE(drm_fd, 0);
  pthread_t s, w, g;
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_create(&g, NULL, signaller, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, &s));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(g, NULL));
  close(drm_fd);
  return 0;
}
