// fence-lr-dependency: ordinary work must not wait for long-running
// fences, neither as a scheduler dependency nor through a plain callback.
#include <xe/xe_lr.h>

void depend_on_lr(struct drm_sched_job *job, struct xe_exec_queue *q) {
  drm_sched_job_add_dependency(job, q->lr_fence);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence made a dependency of ordinary work by 'drm_sched_job_add_dependency'; that work's fence would wait for userspace [fence-lr-dependency]
  // CHECK-MESSAGES: :[[@LINE-2]]:40: note: the fence is long-running: field 'lr_fence' is declared long-running
}

static void signal_next(struct dma_fence *f, struct dma_fence_cb *cb) {}

void callback_on_lr(struct dma_fence *lr, struct dma_fence_cb *cb) {
  dma_fence_set_lr(lr);
  dma_fence_add_callback(lr, cb, signal_next);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence made a dependency of ordinary work by 'dma_fence_add_callback'{{.*}} [fence-lr-dependency]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()'
}

// Through a helper that adds whatever it is given.
static int add_dep(struct drm_sched_job *job, struct dma_fence *f) {
  return drm_sched_job_add_dependency(job, f);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: long-running fence made a dependency{{.*}} [fence-lr-dependency]
  // CHECK-MESSAGES: :[[@LINE+4]]:3: note: 'queue_lr_dep' calls 'add_dep' here
}

void queue_lr_dep(struct drm_sched_job *job, struct xe_exec_queue *q) {
  add_dep(job, q->lr_fence);
}

// Negative: ordinary dependencies.
void depend_on_plain(struct drm_sched_job *job, struct dma_fence *f) {
  drm_sched_job_add_dependency(job, f);
  add_dep(job, f);
}

// Negative: work that is itself long-running (the queue is LR) may wait
// for LR fences.
void lr_job_dep(struct drm_sched_job *job, struct xe_exec_queue *q) {
  if (xe_exec_queue_is_lr(q))
    drm_sched_job_add_dependency(job, q->lr_fence);
}
