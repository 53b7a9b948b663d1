// Upstream fix: "drm/msm/gpu: Move fw loading out of hw_init() path".
// Recovery after a hang (the scheduler's timeout handler) re-runs hw_init,
// which loaded the firmware with request_firmware(): an allocation (and
// file I/O) on the path that must complete for the hung job's fence to
// signal. The fix loads the firmware once at probe.
#include <drm/gpu_scheduler.h>
#include <linux/firmware.h>

struct gpu {
  const struct firmware *fw;
  struct device *dev;
};

static int gpu_before_hw_init(struct gpu *gpu) {
  if (!gpu->fw)
    return request_firmware(&gpu->fw, "a6xx_sqe.fw", gpu->dev);
    // CHECK-MESSAGES: :[[@LINE-1]]:12: warning: allocation with an allocator that always may reclaim ('request_firmware') may enter memory reclaim, which waits on dma-fences, on a signalling path; use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts [fence-signalling-alloc]
    // CHECK-MESSAGES: :[[@LINE+11]]:21: note: 'before_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
    // CHECK-MESSAGES: :[[@LINE+5]]:3: note: 'before_timedout_job' calls 'gpu_before_hw_init' here
  return 0;
}

static enum drm_gpu_sched_stat before_timedout_job(struct drm_sched_job *job) {
  gpu_before_hw_init((struct gpu *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops before_ops = {
    .timedout_job = before_timedout_job,
};

// After the fix: probe loads, hw_init only uses.
int gpu_after_load_fw(struct gpu *gpu) {
  return request_firmware(&gpu->fw, "a6xx_sqe.fw", gpu->dev);
}

static int gpu_after_hw_init(struct gpu *gpu) { return gpu->fw ? 0 : -EINVAL; }

static enum drm_gpu_sched_stat after_timedout_job(struct drm_sched_job *job) {
  gpu_after_hw_init((struct gpu *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops after_ops = {
    .timedout_job = after_timedout_job,
};
