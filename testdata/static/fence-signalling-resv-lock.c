// fence-signalling-resv-lock: dma-resv locks are taken by code that waits
// on fences, so signalling code must not block on them.
#include <drm/gpu_scheduler.h>
#include <linux/dma-resv.h>

struct bo {
  struct dma_resv *resv;
};
struct my_job {
  struct drm_sched_job base;
  struct bo *bo;
  struct dma_fence *hw_fence;
};

static void validate_bo(struct bo *bo) {
  dma_resv_lock(bo->resv, NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: dma-resv lock taken by 'dma_resv_lock' on a dma-fence signalling path; holders of dma-resv locks wait on fences, use dma_resv_trylock() or lock before signalling starts [fence-signalling-resv-lock]
  // CHECK-MESSAGES: :[[@LINE+21]]:16: note: 'resv_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+15]]:5: note: 'resv_run_job' calls 'validate_bo' here
  dma_resv_unlock(bo->resv);
}

// The allowed fast path: trylock, and give up when contended.
static bool try_validate(struct bo *bo) {
  if (!dma_resv_trylock(bo->resv))
    return false;
  dma_resv_unlock(bo->resv);
  return true;
}

static struct dma_fence *resv_run_job(struct drm_sched_job *sched_job) {
  struct my_job *job = (struct my_job *)sched_job;
  if (!try_validate(job->bo))
    validate_bo(job->bo);
  return job->hw_fence;
}

static const struct drm_sched_backend_ops resv_sched_ops = {
    .run_job = resv_run_job,
};

// In an explicit section.
void signal_with_resv(struct bo *bo, struct dma_fence *f) {
  bool cookie = dma_fence_begin_signalling();
  dma_resv_lock_interruptible(bo->resv, NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: dma-resv lock taken by 'dma_resv_lock_interruptible'{{.*}} [fence-signalling-resv-lock]
  // CHECK-MESSAGES: :[[@LINE-3]]:17: note: the dma-fence signalling section begins here
  dma_resv_unlock(bo->resv);
  dma_fence_signal(f);
  dma_fence_end_signalling(cookie);
}

// Locking before the section starts is the fix.
void lock_then_signal(struct bo *bo, struct dma_fence *f) {
  bool cookie;
  dma_resv_lock(bo->resv, NULL);
  cookie = dma_fence_begin_signalling();
  dma_fence_signal(f);
  dma_fence_end_signalling(cookie);
  dma_resv_unlock(bo->resv);
}
