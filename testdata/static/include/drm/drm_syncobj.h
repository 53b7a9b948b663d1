#ifndef __DRM_SYNCOBJ_H__
#define __DRM_SYNCOBJ_H__
#include <linux/dma-fence-chain.h>
struct drm_syncobj;
void drm_syncobj_replace_fence(struct drm_syncobj *syncobj, struct dma_fence *fence);
void drm_syncobj_add_point(struct drm_syncobj *syncobj, struct dma_fence_chain *chain,
                           struct dma_fence *fence, u64 point);
#endif
