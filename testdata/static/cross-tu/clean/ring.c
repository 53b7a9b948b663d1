#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <xe/xe_lr.h>

int clean_ring_emit(struct dma_fence **out) {
  struct dma_fence *f = kmalloc(sizeof(*f), GFP_ATOMIC);
  if (!f)
    return -ENOMEM;
  *out = f;
  return 0;
}

void clean_publish(struct xe_vm *vm, struct dma_fence *fence) {
  dma_resv_add_fence(vm->resv, fence, DMA_RESV_USAGE_BOOKKEEP);
}
