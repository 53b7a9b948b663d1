// The driver case with its bugs fixed: nothing to report, exit status 0.
// CHECK-NOT: warning:
// ERR: fencedep check: 2 translation unit(s), 0 finding(s)
#include <drm/gpu_scheduler.h>
#include <xe/xe_lr.h>

int clean_ring_emit(struct dma_fence **out);
void clean_publish(struct xe_vm *vm, struct dma_fence *fence);

static struct dma_fence *clean_run_job(struct drm_sched_job *sched_job) {
  struct dma_fence *fence = NULL;
  clean_ring_emit(&fence);
  return fence;
}

static const struct drm_sched_backend_ops clean_sched_ops = {
    .run_job = clean_run_job,
};

void clean_exec(struct xe_vm *vm, struct xe_sched_job *job) {
  if (!xe_vm_in_lr_mode(vm))
    clean_publish(vm, job->fence);
}
