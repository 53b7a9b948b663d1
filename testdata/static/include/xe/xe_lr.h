/* The few xe driver declarations the long-running cases are modelled on
 * (drivers/gpu/drm/xe/xe_vm.h, xe_exec_queue.h, xe_preempt_fence.h). */
#ifndef _XE_LR_H_
#define _XE_LR_H_
#include <drm/drm_gpuvm.h>
#include <drm/gpu_scheduler.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#define XE_VM_FLAG_LR_MODE BIT(0)

struct xe_vm {
  struct drm_gpuvm gpuvm;
  struct dma_resv *resv;
  struct mutex lock;
  unsigned long flags;
  struct work_struct rebind_work;
};

struct xe_exec_queue {
  struct xe_vm *vm;
  unsigned long flags;
  /* The queue's long-running fence (fencedep annotation). */
  struct dma_fence *lr_fence __dma_fence_lr;
};

struct xe_sched_job {
  struct drm_sched_job drm;
  struct xe_exec_queue *q;
  struct dma_fence *fence;
};

struct xe_preempt_fence {
  struct dma_fence base;
  struct xe_exec_queue *q;
  struct work_struct preempt_work;
  int error;
};

static inline bool xe_vm_in_lr_mode(struct xe_vm *vm) { return vm->flags & XE_VM_FLAG_LR_MODE; }
bool xe_exec_queue_is_lr(struct xe_exec_queue *q);
#endif
