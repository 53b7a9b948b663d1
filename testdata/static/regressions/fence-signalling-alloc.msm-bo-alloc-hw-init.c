// Upstream fix: "drm/msm/gpu: Move BO allocation out of hw_init". Recovery
// re-ran hw_init, which allocated the ringbuffer-backing buffer with
// GFP_KERNEL when it did not exist yet; the fix allocates it at probe.
#include <drm/gpu_scheduler.h>
#include <linux/slab.h>

struct gpu {
  void *shadow;
};

static void *kernel_bo_new(size_t size, gfp_t gfp) { return kzalloc(size, gfp); }
// CHECK-MESSAGES: :[[@LINE-1]]:61: warning: allocation with GFP_KERNEL ('kzalloc') may enter memory reclaim, which waits on dma-fences, on a signalling path; use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts [fence-signalling-alloc]
// CHECK-MESSAGES: :[[@LINE+16]]:21: note: 'before_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
// CHECK-MESSAGES: :[[@LINE+10]]:3: note: 'before_timedout_job' calls 'gpu_before_hw_init' here
// CHECK-MESSAGES: :[[@LINE+4]]:19: note: 'gpu_before_hw_init' calls 'kernel_bo_new' here

static int gpu_before_hw_init(struct gpu *gpu) {
  if (!gpu->shadow)
    gpu->shadow = kernel_bo_new(4096, GFP_KERNEL);
  return gpu->shadow ? 0 : -ENOMEM;
}

static enum drm_gpu_sched_stat before_timedout_job(struct drm_sched_job *job) {
  gpu_before_hw_init((struct gpu *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops before_ops = {
    .timedout_job = before_timedout_job,
};

// After the fix.
int gpu_after_init(struct gpu *gpu) {
  gpu->shadow = kernel_bo_new(4096, GFP_KERNEL);
  return gpu->shadow ? 0 : -ENOMEM;
}

static int gpu_after_hw_init(struct gpu *gpu) { return gpu->shadow ? 0 : -EINVAL; }

static enum drm_gpu_sched_stat after_timedout_job(struct drm_sched_job *job) {
  gpu_after_hw_init((struct gpu *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops after_ops = {
    .timedout_job = after_timedout_job,
};
