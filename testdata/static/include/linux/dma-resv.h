#ifndef _LINUX_DMA_RESV_H
#define _LINUX_DMA_RESV_H
#include <linux/dma-fence.h>
struct ww_acquire_ctx;
struct dma_resv {
  long lock;
};
enum dma_resv_usage {
  DMA_RESV_USAGE_KERNEL,
  DMA_RESV_USAGE_WRITE,
  DMA_RESV_USAGE_READ,
  DMA_RESV_USAGE_BOOKKEEP,
};
int dma_resv_lock(struct dma_resv *obj, struct ww_acquire_ctx *ctx);
int dma_resv_lock_interruptible(struct dma_resv *obj, struct ww_acquire_ctx *ctx);
bool dma_resv_trylock(struct dma_resv *obj);
void dma_resv_unlock(struct dma_resv *obj);
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences);
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
                        enum dma_resv_usage usage);
void dma_resv_replace_fences(struct dma_resv *obj, u64 context, struct dma_fence *replacement,
                             enum dma_resv_usage usage);
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage, bool intr,
                           unsigned long timeout);
#endif
