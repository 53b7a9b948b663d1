// CHECK: good.c:[[@LINE+5]]:3: warning: fence wait 'dma_fence_wait' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
#include <linux/dma-fence.h>

void good(struct dma_fence *a, struct dma_fence *b) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_wait(a, false);
  dma_fence_signal(b);
  dma_fence_end_signalling(cookie);
}
