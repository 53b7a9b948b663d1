#ifndef _LINUX_DMA_FENCE_CHAIN_H
#define _LINUX_DMA_FENCE_CHAIN_H
#include <linux/dma-fence.h>
struct dma_fence_chain {
  struct dma_fence base;
};
struct dma_fence_chain *dma_fence_chain_alloc(void);
void dma_fence_chain_init(struct dma_fence_chain *chain, struct dma_fence *prev,
                          struct dma_fence *fence, u64 seqno);
#endif
