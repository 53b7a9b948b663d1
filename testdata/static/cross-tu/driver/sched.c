// The scheduler callbacks: the signalling roots. Every finding of this
// case lies in another TU; the paths start here.
#include "drv.h"

static struct dma_fence *drv_run_job(struct drm_sched_job *sched_job) {
  struct drv_job *job = (struct drv_job *)sched_job;
  struct dma_fence *fence = NULL;
  drv_pm_busy();
  drv_ring_emit(job->ring, &fence);
  return fence;
}

static const struct drm_sched_backend_ops drv_sched_ops = {
    .run_job = drv_run_job,
};

void drv_submit_lr(struct drv_job *job) {
  struct dma_fence *f = drv_lr_fence_create();
  drv_publish(job->resv, f);
}
