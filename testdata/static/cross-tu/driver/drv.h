/* The driver's internal interfaces, shared by its TUs. */
#ifndef DRV_H
#define DRV_H
#include <drm/gpu_scheduler.h>
#include <linux/dma-resv.h>
#include <linux/mutex.h>

struct drv_ring {
  struct kmem_cache *fence_slab;
  struct dma_fence *last;
};

struct drv_job {
  struct drm_sched_job base;
  struct drv_ring *ring;
  struct dma_resv *resv;
};

/* ring.c */
int drv_ring_emit(struct drv_ring *ring, struct dma_fence **out);
void drv_ring_wait_idle(struct drv_ring *ring);
/* pm.c */
extern struct mutex drv_pm_lock;
void drv_pm_busy(void);
void drv_pm_suspend(struct drv_ring *ring);
/* lr.c */
struct dma_fence *drv_lr_fence_create(void);
void drv_publish(struct dma_resv *resv, struct dma_fence *fence);
#endif
