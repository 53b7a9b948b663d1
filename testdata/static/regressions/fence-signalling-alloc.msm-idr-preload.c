// Upstream fix: "drm/msm: Use idr_preload()". The submit ioctl allocated
// the fence id with idr_alloc_cyclic(..., GFP_KERNEL) between arming the
// job and pushing it, inside the dma-fence signalling section. The fix
// preallocates with idr_preload(GFP_KERNEL) before the section and
// allocates with GFP_NOWAIT inside it.
#include <linux/dma-fence.h>
#include <linux/idr.h>
#include <linux/mutex.h>

struct submitqueue {
  struct mutex idr_lock;
  struct idr fence_idr;
};

int submit_before(struct submitqueue *q, struct dma_fence *user_fence) {
  bool cookie = dma_fence_begin_signalling();
  mutex_lock(&q->idr_lock);
  int id = idr_alloc_cyclic(&q->fence_idr, user_fence, 1, 0, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: allocation with GFP_KERNEL ('idr_alloc_cyclic') may enter memory reclaim, which waits on dma-fences, on a signalling path; use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE-4]]:17: note: the dma-fence signalling section begins here
  mutex_unlock(&q->idr_lock);
  dma_fence_end_signalling(cookie);
  return id;
}

int submit_after(struct submitqueue *q, struct dma_fence *user_fence) {
  idr_preload(GFP_KERNEL);
  bool cookie = dma_fence_begin_signalling();
  mutex_lock(&q->idr_lock);
  int id = idr_alloc_cyclic(&q->fence_idr, user_fence, 1, 0, GFP_NOWAIT);
  mutex_unlock(&q->idr_lock);
  dma_fence_end_signalling(cookie);
  idr_preload_end();
  return id;
}
