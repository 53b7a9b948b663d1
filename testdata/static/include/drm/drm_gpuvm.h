#ifndef __DRM_GPUVM_H__
#define __DRM_GPUVM_H__
#include <linux/dma-resv.h>
struct drm_exec;
struct drm_gpuvm {
  struct dma_resv *resv;
};
void drm_gpuvm_resv_add_fence(struct drm_gpuvm *gpuvm, struct drm_exec *exec,
                              struct dma_fence *fence, enum dma_resv_usage private_usage,
                              enum dma_resv_usage extobj_usage);
#endif
