// Facts scoped by `under`: true on paths through some functions only.
// Modelled on the false alarms of Linux 6.12: amdgpu's register reads
// through the KIQ ring "called" the VCN/JPEG rings' begin_use (which waits
// on a fence) because amdgpu_ring_alloc() calls ring->funcs->begin_use, and
// nouveau's method calls "created objects" through the generic ioctl
// dispatch table. The same calls outside those functions are still
// followed and reported: from the timeout handler, not from run_job.
// TIDY-CONFIG: rules/scoped-facts.clang-tidy
#include <drm/gpu_scheduler.h>

struct drv_ring;
struct drv_ring_funcs {
  void (*begin_use)(struct drv_ring *ring);
};
struct drv_ring {
  const struct drv_ring_funcs *funcs;
  struct dma_fence *last;
};
struct drv_dev {
  struct drv_ring kiq_ring;
  struct drv_ring jpeg_ring;
};

static void drv_jpeg_begin_use(struct drv_ring *ring) {
  dma_fence_wait(ring->last, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: {{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+104]]:21: note: 'drv_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+95]]:3: note: 'drv_timedout_job' calls 'drv_ring_alloc' here
  // CHECK-MESSAGES: :[[@LINE+10]]:5: note: 'drv_ring_alloc' calls 'drv_ring_funcs.begin_use' here, which is 'drv_jpeg_begin_use'{{.*}}
  // CHECK-MESSAGES-NOT: other context
}

static const struct drv_ring_funcs drv_jpeg_funcs = {
    .begin_use = drv_jpeg_begin_use,
};

void drv_ring_alloc(struct drv_ring *ring) {
  if (ring->funcs->begin_use)
    ring->funcs->begin_use(ring);
}

unsigned drv_kiq_rreg(struct drv_dev *d) {
  drv_ring_alloc(&d->kiq_ring);
  return 0;
}

struct drv_ioctl {
  int (*func)(void *data);
};

static int drv_ioctl_new(void *data) {
  struct drv_ring *ring = data;
  dma_fence_wait(ring->last, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: {{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+76]]:21: note: 'drv_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+68]]:3: note: 'drv_timedout_job' calls 'drv_ioctl' here
  // CHECK-MESSAGES: :[[@LINE+13]]:10: note: 'drv_ioctl' calls 'drv_ioctl.func' here, which is 'drv_ioctl_new'{{.*}}
  // CHECK-MESSAGES-NOT: other context
  return 0;
}

static int drv_ioctl_mthd(void *data) { return 0; }

static const struct drv_ioctl drv_ioctl_table[] = {
    {.func = drv_ioctl_new},
    {.func = drv_ioctl_mthd},
};

int drv_ioctl(unsigned type, void *data) {
  return drv_ioctl_table[type].func(data);
}

int drv_object_mthd(void *data) { return drv_ioctl(1, data); }

// Only some implementations under a function: firmware loading resumes
// the PSP block only, a full resume every block.
struct drv_ip_funcs {
  int (*resume)(struct drv_ring *ring);
};
struct drv_ip_block {
  const struct drv_ip_funcs *funcs;
  int is_psp;
};

static int drv_display_resume(struct drv_ring *ring) {
  dma_fence_wait(ring->last, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: {{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+43]]:21: note: 'drv_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+36]]:3: note: 'drv_timedout_job' calls 'drv_resume_all' here
  // CHECK-MESSAGES: :[[@LINE+18]]:5: note: 'drv_resume_all' calls 'drv_ip_funcs.resume' here, which is 'drv_display_resume'{{.*}}
  // CHECK-MESSAGES-NOT: other context
  return 0;
}

static int drv_psp_resume(struct drv_ring *ring) { return 0; }

static const struct drv_ip_funcs drv_display_funcs = {.resume = drv_display_resume};
static const struct drv_ip_funcs drv_psp_funcs = {.resume = drv_psp_resume};

void drv_fw_loading(struct drv_ip_block *blocks, int n, struct drv_ring *ring) {
  for (int i = 0; i < n; i++)
    if (blocks[i].is_psp)
      blocks[i].funcs->resume(ring);
}

void drv_resume_all(struct drv_ip_block *blocks, int n, struct drv_ring *ring) {
  for (int i = 0; i < n; i++)
    blocks[i].funcs->resume(ring);
}

static struct drv_ip_block drv_blocks[2];

static struct dma_fence *drv_run_job(struct drm_sched_job *job) {
  struct drv_dev *d = (struct drv_dev *)job->entity;
  drv_kiq_rreg(d);
  drv_object_mthd(&d->jpeg_ring);
  drv_fw_loading(drv_blocks, 2, &d->jpeg_ring);
  return NULL;
}

static enum drm_gpu_sched_stat drv_timedout_job(struct drm_sched_job *job) {
  struct drv_dev *d = (struct drv_dev *)job->entity;
  drv_ring_alloc(&d->jpeg_ring);
  drv_ioctl(0, &d->jpeg_ring);
  drv_resume_all(drv_blocks, 2, &d->jpeg_ring);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops drv_sched_ops = {
    .run_job = drv_run_job,
    .timedout_job = drv_timedout_job,
};
