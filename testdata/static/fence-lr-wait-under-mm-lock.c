// fence-lr-wait-under-mm-lock: no waiting on long-running fences while an
// MM lock class (mmap_lock, dma_resv, i_mmap) is held.
#include <linux/mm.h>
#include <xe/xe_lr.h>

void wait_under_mmap_lock(struct mm_struct *mm, struct xe_exec_queue *q) {
  mmap_read_lock(mm);
  dma_fence_wait(q->lr_fence, true);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: wait on a long-running fence ('dma_fence_wait') while holding MM lock 'mmap_lock'; reclaim and page faults would wait for userspace [fence-lr-wait-under-mm-lock]
  // CHECK-MESSAGES: :[[@LINE-3]]:3: note: 'mmap_lock' is taken here
  // CHECK-MESSAGES: :[[@LINE-3]]:21: note: the fence is long-running: field 'lr_fence' is declared long-running
  mmap_read_unlock(mm);
  // Released: no warning.
  dma_fence_wait(q->lr_fence, true);
}

static long wait_for(struct dma_fence *f) { return dma_fence_wait_timeout(f, true, 1000); }
// CHECK-MESSAGES: :[[@LINE-1]]:52: warning: wait on a long-running fence ('dma_fence_wait_timeout') while holding MM lock 'dma_resv'{{.*}} [fence-lr-wait-under-mm-lock]
// CHECK-MESSAGES: :[[@LINE+6]]:3: note: 'dma_resv' is taken here
// CHECK-MESSAGES: :[[@LINE+6]]:3: note: 'under_resv' calls 'wait_for' here
// CHECK-MESSAGES: :[[@LINE+3]]:3: note: the fence is long-running: marked long-running by 'dma_fence_set_lr()'

void under_resv(struct dma_resv *resv, struct dma_fence *f) {
  dma_fence_set_lr(f);
  dma_resv_lock(resv, NULL);
  wait_for(f);
  dma_resv_unlock(resv);
}

// The i_mmap class, and the LR-mode predicate as the source.
void under_i_mmap(struct address_space *mapping, struct xe_vm *vm) {
  i_mmap_lock_write(mapping);
  if (xe_vm_in_lr_mode(vm))
    dma_resv_wait_timeout(vm->resv, DMA_RESV_USAGE_BOOKKEEP, false, 10);
  // CHECK-MESSAGES: :[[@LINE-1]]:5: warning: wait on a long-running fence ('dma_resv_wait_timeout') while holding MM lock 'i_mmap'{{.*}} [fence-lr-wait-under-mm-lock]
  // CHECK-MESSAGES: :[[@LINE-4]]:3: note: 'i_mmap' is taken here
  // CHECK-MESSAGES: :[[@LINE-4]]:7: note: 'xe_vm_in_lr_mode(vm)' is true on this path
  i_mmap_unlock_write(mapping);
}

// Ordinary fences under mmap_lock, and LR fences under ordinary locks:
// not this check's business.
void plain_under_mmap(struct mm_struct *mm, struct dma_fence *f) {
  mmap_write_lock(mm);
  dma_fence_wait(f, false);
  mmap_write_unlock(mm);
}

void lr_under_driver_lock(struct xe_vm *vm, struct xe_exec_queue *q) {
  mutex_lock(&vm->lock);
  dma_fence_wait(q->lr_fence, false);
  mutex_unlock(&vm->lock);
}
