// fence-lr-export: long-running fences must not be exported or laundered
// into ordinary fence containers.
#include <drm/drm_syncobj.h>
#include <linux/dma-fence-array.h>
#include <linux/sync_file.h>
#include <xe/xe_lr.h>

struct sync_file *export_marked(struct dma_fence *fence) {
  dma_fence_set_lr(fence);
  return sync_file_create(fence);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: long-running fence exported or wrapped by 'sync_file_create'; exported fences and fence containers must signal in bounded time [fence-lr-export]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()'
}

void export_syncobj(struct drm_syncobj *syncobj, struct xe_exec_queue *q) {
  drm_syncobj_replace_fence(syncobj, q->lr_fence);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence exported or wrapped by 'drm_syncobj_replace_fence'{{.*}} [fence-lr-export]
  // CHECK-MESSAGES: :[[@LINE-2]]:41: note: the fence is long-running: field 'lr_fence' is declared long-running
}

// A chain node is an ordinary dma-fence: wrapping launders the LR fence.
void launder_chain(struct dma_fence_chain *chain, struct dma_fence *prev,
                   struct xe_preempt_fence *pf) {
  dma_fence_set_lr(&pf->base);
  dma_fence_chain_init(chain, prev, &pf->base, 1);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: long-running fence exported or wrapped by 'dma_fence_chain_init'{{.*}} [fence-lr-export]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the fence is long-running
}

// So is an array, once an LR fence is stored in it.
struct dma_fence_array *launder_array(struct dma_fence *lr, struct dma_fence *plain) {
  struct dma_fence *fences[2];
  dma_fence_set_lr(lr);
  fences[0] = plain;
  fences[1] = lr;
  return dma_fence_array_create(2, fences, 1, 1, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:10: warning: long-running fence exported or wrapped by 'dma_fence_array_create'{{.*}} [fence-lr-export]
  // CHECK-MESSAGES: :[[@LINE-5]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()'
}

// Exporting a job's fence where the queue is LR.
void signal_out_syncs(struct xe_exec_queue *q, struct drm_syncobj *syncobj,
                      struct dma_fence_chain *chain, struct xe_sched_job *job) {
  if (xe_exec_queue_is_lr(q))
    drm_syncobj_add_point(syncobj, chain, job->fence, 2);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: long-running fence exported or wrapped by 'drm_syncobj_add_point'{{.*}} [fence-lr-export]
  // CHECK-MESSAGES: :[[@LINE-3]]:7: note: 'xe_exec_queue_is_lr(q)' is true on this path: its fences are long-running
}

// A predicate does not carry into callees: what a helper called only in
// LR mode publishes is its own business (in xe, the preempt fences, which
// are ordinary fences). No warning.
static void export_point(struct drm_syncobj *syncobj, struct dma_fence_chain *chain,
                         struct dma_fence *fence) {
  drm_syncobj_add_point(syncobj, chain, fence, 2);
}

void helper_in_lr_mode(struct xe_exec_queue *q, struct drm_syncobj *syncobj,
                       struct dma_fence_chain *chain, struct dma_fence *fence) {
  if (xe_exec_queue_is_lr(q))
    export_point(syncobj, chain, fence);
}

// Negative: ordinary fences, and exports guarded by the negated predicate.
struct sync_file *export_plain(struct dma_fence *fence) { return sync_file_create(fence); }

void export_guarded(struct xe_vm *vm, struct drm_syncobj *syncobj, struct dma_fence *fence) {
  if (!xe_vm_in_lr_mode(vm))
    drm_syncobj_replace_fence(syncobj, fence);
}
