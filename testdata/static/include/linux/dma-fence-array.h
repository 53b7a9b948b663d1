#ifndef _LINUX_DMA_FENCE_ARRAY_H
#define _LINUX_DMA_FENCE_ARRAY_H
#include <linux/dma-fence.h>
struct dma_fence_array {
  struct dma_fence base;
};
struct dma_fence_array *dma_fence_array_create(int num_fences, struct dma_fence **fences,
                                               u64 context, unsigned seqno, bool signal_on_any);
#endif
