// A long-running fence constructor, and a publishing helper that does not
// know what it is given (sched.c hands it the long-running fence).
#include "drv.h"

static struct dma_fence lr_storage;

struct dma_fence *drv_lr_fence_create(void) {
  struct dma_fence *f = &lr_storage;
  dma_fence_set_lr(f);
  return f;
}

void drv_publish(struct dma_resv *resv, struct dma_fence *fence) {
  dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_BOOKKEEP);
}
