#ifndef _DRM_GPU_SCHEDULER_H_
#define _DRM_GPU_SCHEDULER_H_
#include <linux/dma-fence.h>
struct drm_sched_fence {
  struct dma_fence scheduled;
  struct dma_fence finished;
};
struct drm_sched_entity;
struct drm_sched_job {
  struct drm_sched_fence *s_fence;
  struct drm_sched_entity *entity;
};
enum drm_gpu_sched_stat {
  DRM_GPU_SCHED_STAT_NONE,
  DRM_GPU_SCHED_STAT_NOMINAL,
};
struct drm_sched_backend_ops {
  struct dma_fence *(*prepare_job)(struct drm_sched_job *sched_job,
                                   struct drm_sched_entity *s_entity);
  struct dma_fence *(*run_job)(struct drm_sched_job *sched_job);
  enum drm_gpu_sched_stat (*timedout_job)(struct drm_sched_job *sched_job);
  void (*free_job)(struct drm_sched_job *sched_job);
};
int drm_sched_job_add_dependency(struct drm_sched_job *job, struct dma_fence *fence);
void drm_sched_job_arm(struct drm_sched_job *job);
void drm_sched_entity_push_job(struct drm_sched_job *sched_job);
#endif
