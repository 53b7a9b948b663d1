// fence-lr-resv-attach: long-running fences must never reach a dma-resv.
#include <drm/drm_gpuvm.h>
#include <xe/xe_lr.h>

// An LR fence made by the RFC's helper and attached directly.
void attach_marked(struct dma_resv *resv, struct dma_fence *fence) {
  dma_fence_set_lr(fence);
  dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_BOOKKEEP);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached to a reservation object by 'dma_resv_add_fence'; every fence in a dma-resv must signal in bounded time [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()'
}

// Flagged through the flag bit, on a fence embedded in a driver struct.
void attach_flag_bit(struct dma_resv *resv, struct xe_preempt_fence *pfence) {
  set_bit(DMA_FENCE_FLAG_LR_BIT, &pfence->base.flags);
  dma_resv_replace_fences(resv, 1, &pfence->base, DMA_RESV_USAGE_BOOKKEEP);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached to a reservation object by 'dma_resv_replace_fences'{{.*}} [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the fence is long-running: flagged long-running with DMA_FENCE_FLAG_LR_BIT
}

// A field declared long-running (the annotation).
void attach_annotated(struct xe_exec_queue *q) {
  dma_resv_add_fence(q->vm->resv, q->lr_fence, DMA_RESV_USAGE_BOOKKEEP);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached {{.*}} [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE-2]]:38: note: the fence is long-running: field 'lr_fence' is declared long-running
}

// Modelled on xe_exec_ioctl: job fences go into the VM's resv only when
// the VM is not in LR mode. Under the negated predicate: no warning.
void xe_exec_like(struct xe_vm *vm, struct drm_exec *exec, struct xe_sched_job *job) {
  if (!xe_vm_in_lr_mode(vm))
    drm_gpuvm_resv_add_fence(&vm->gpuvm, exec, &job->drm.s_fence->finished,
                             DMA_RESV_USAGE_BOOKKEEP, DMA_RESV_USAGE_BOOKKEEP);
}

// The same sink where the predicate holds: the job's fence is long-running.
void xe_exec_inverted(struct xe_vm *vm, struct drm_exec *exec, struct xe_sched_job *job) {
  if (xe_vm_in_lr_mode(vm))
    drm_gpuvm_resv_add_fence(&vm->gpuvm, exec, &job->drm.s_fence->finished,
                             // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: long-running fence attached to a reservation object by 'drm_gpuvm_resv_add_fence'{{.*}} [fence-lr-resv-attach]
                             // CHECK-MESSAGES: :[[@LINE-3]]:7: note: 'xe_vm_in_lr_mode(vm)' is true on this path: its fences are long-running
                             DMA_RESV_USAGE_BOOKKEEP, DMA_RESV_USAGE_BOOKKEEP);
}

// An early return on the predicate guards what follows.
int xe_early_return(struct xe_vm *vm, struct dma_fence *fence) {
  if (xe_vm_in_lr_mode(vm))
    return -EOPNOTSUPP;
  dma_resv_add_fence(vm->resv, fence, DMA_RESV_USAGE_KERNEL);
  return 0;
}

// A predicate remembered in a local.
void xe_local_predicate(struct xe_vm *vm, struct dma_fence *fence) {
  bool lr = xe_vm_in_lr_mode(vm);
  if (lr)
    return;
  dma_resv_add_fence(vm->resv, fence, DMA_RESV_USAGE_KERNEL);
}

// Interprocedural: the sink is in a helper, the LR fence comes from the
// caller, and a constructor returns it.
static void add_to_resv(struct dma_resv *resv, struct dma_fence *f) {
  dma_resv_add_fence(resv, f, DMA_RESV_USAGE_WRITE);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence attached {{.*}} [fence-lr-resv-attach]
  // CHECK-MESSAGES: :[[@LINE+16]]:3: note: 'publish_lr' calls 'add_to_resv' here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()', and returned by 'make_lr_fence'
}

static struct dma_fence lr_storage;

static struct dma_fence *make_lr_fence(void) {
  struct dma_fence *f = &lr_storage;
  dma_fence_set_lr(f);
  return f;
}

static struct dma_fence plain_storage;

void publish_lr(struct dma_resv *resv) {
  struct dma_fence *f = make_lr_fence();
  add_to_resv(resv, f);
  // The same helper with an ordinary fence: nothing new to report.
  add_to_resv(resv, &plain_storage);
}

// Ordinary fences: no warning.
void attach_plain(struct dma_resv *resv, struct dma_fence *fence) {
  dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_WRITE);
}

// Suppressed the clang-tidy way.
void attach_suppressed(struct dma_resv *resv, struct dma_fence *fence) {
  dma_fence_set_lr(fence);
  dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_BOOKKEEP); // NOLINT(fence-lr-resv-attach)
}
