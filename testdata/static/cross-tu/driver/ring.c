// Reached from run_job in sched.c.
#include "drv.h"
#include <linux/slab.h>

int drv_ring_emit(struct drv_ring *ring, struct dma_fence **out) {
  // The amdgpu pattern, one TU away from run_job.
  struct dma_fence *f = kmem_cache_alloc(ring->fence_slab, GFP_KERNEL);
  if (!f)
    return -ENOMEM;
  *out = f;
  return 0;
}

void drv_ring_wait_idle(struct drv_ring *ring) { dma_fence_wait(ring->last, false); }
