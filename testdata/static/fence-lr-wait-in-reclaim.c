// fence-lr-wait-in-reclaim: memory reclaim must not wait on long-running
// fences, which complete only when userspace lets them.
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>
#include <xe/xe_lr.h>

struct xe_userptr {
  struct mmu_interval_notifier notifier;
  struct xe_vm *vm;
  struct xe_exec_queue *q;
};

static void userptr_wait(struct xe_exec_queue *q) {
  dma_fence_wait(q->lr_fence, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait on a long-running fence ('dma_fence_wait') is reachable from memory reclaim; reclaim would wait for userspace [fence-lr-wait-in-reclaim]
  // CHECK-MESSAGES: :[[@LINE+14]]:19: note: 'userptr_invalidate' runs in memory reclaim: registered as mmu_interval_notifier_ops.invalidate here
  // CHECK-MESSAGES: :[[@LINE+8]]:3: note: 'userptr_invalidate' calls 'userptr_wait' here
  // CHECK-MESSAGES: :[[@LINE-4]]:21: note: the fence is long-running: field 'lr_fence' is declared long-running
}

static bool userptr_invalidate(struct mmu_interval_notifier *mni,
                               const struct mmu_notifier_range *range, unsigned long cur_seq) {
  struct xe_userptr *u = container_of(mni, struct xe_userptr, notifier);
  mmu_interval_set_seq(mni, cur_seq);
  userptr_wait(u->q);
  return true;
}

static const struct mmu_interval_notifier_ops userptr_notifier_ops = {
    .invalidate = userptr_invalidate,
};

// Modelled on xe's VM invalidation: waiting on the resv's fences is fine
// when the VM is not in LR mode, a bug where it is.
struct xe_shrinker {
  struct xe_vm *vm;
};

static unsigned long xe_shrinker_scan(struct shrinker *s, struct shrink_control *sc) {
  struct xe_shrinker *xs = s->private_data;
  if (!xe_vm_in_lr_mode(xs->vm))
    dma_resv_wait_timeout(xs->vm->resv, DMA_RESV_USAGE_BOOKKEEP, false, MAX_SCHEDULE_TIMEOUT);
  else
    dma_resv_wait_timeout(xs->vm->resv, DMA_RESV_USAGE_BOOKKEEP, false, MAX_SCHEDULE_TIMEOUT);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait on a long-running fence ('dma_resv_wait_timeout') is reachable from memory reclaim{{.*}} [fence-lr-wait-in-reclaim]
  // CHECK-MESSAGES: :[[@LINE+11]]:21: note: 'xe_shrinker_scan' runs in memory reclaim: registered as shrinker.scan_objects here
  // CHECK-MESSAGES: :[[@LINE-6]]:8: note: 'xe_vm_in_lr_mode(xs->vm)' is true on this path
  return 0;
}

static unsigned long xe_shrinker_count(struct shrinker *s, struct shrink_control *sc) {
  return 1;
}

void xe_shrinker_create(struct xe_shrinker *xs) {
  struct shrinker *s = shrinker_alloc(0, "xe");
  s->scan_objects = xe_shrinker_scan;
  s->count_objects = xe_shrinker_count;
  s->private_data = xs;
  shrinker_register(s);
}

// An explicit fs_reclaim region (as in dma_resv_lockdep()).
void reclaim_region(struct xe_exec_queue *q) {
  fs_reclaim_acquire(GFP_KERNEL);
  dma_fence_wait_timeout(q->lr_fence, false, 100);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait on a long-running fence ('dma_fence_wait_timeout') is reachable from memory reclaim{{.*}} [fence-lr-wait-in-reclaim]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: the memory reclaim region begins here
  fs_reclaim_release(GFP_KERNEL);
  // After the region: no warning.
  dma_fence_wait_timeout(q->lr_fence, false, 100);
}

// An LR wait outside any MM context: no warning from this check.
void plain_context_wait(struct xe_exec_queue *q) { dma_fence_wait(q->lr_fence, true); }

// A wait in reclaim on an ordinary fence: not this check's business.
static int notifier_start(struct mmu_notifier *mn, const struct mmu_notifier_range *range) {
  extern struct dma_fence *some_fence;
  dma_fence_wait(some_fence, false);
  return 0;
}

static const struct mmu_notifier_ops notifier_ops = {
    .invalidate_range_start = notifier_start,
};
