// fence-signalling-unbalanced: a signalling section must be closed on
// every path with its own cookie, and must cover all the work that delays
// signalling.
#include <xe/xe_lr.h>

int early_return(struct dma_fence *f, int err) {
  bool cookie = dma_fence_begin_signalling();
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: 'dma_fence_begin_signalling()' without a matching end on some path of 'early_return' [fence-signalling-unbalanced]
  // CHECK-MESSAGES: :[[@LINE+2]]:5: note: 'early_return' returns here with the signalling section open
  if (err)
    return err;
  dma_fence_signal(f);
  dma_fence_end_signalling(cookie);
  return 0;
}

void discarded(struct dma_fence *f) {
  dma_fence_begin_signalling();
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: the cookie returned by 'dma_fence_begin_signalling()' is discarded; keep it and pass it to the end of the section [fence-signalling-unbalanced]
  dma_fence_signal(f);
  dma_fence_end_signalling(true);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'dma_fence_end_signalling()' is passed a constant instead of the cookie its section began with [fence-signalling-unbalanced]
}

// Modelled on xe's preempt fence worker before "drm/xe/preempt_fence:
// enlarge the fence critical section": the section ended right after the
// signal, but the rebind work that followed still runs on the single
// ordered queue that signals every preempt fence, and takes vm->lock,
// which the VM holds while waiting for preempt fences.
static void xe_vm_rebind(struct xe_vm *vm) {
  mutex_lock(&vm->lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'xe_vm.lock' is taken after the signalling section ended, but this work still delays fence signalling and the lock is held elsewhere across a fence wait or reclaim; end the section after it [fence-signalling-unbalanced]
  // CHECK-MESSAGES: :[[@LINE+15]]:3: note: the signalling section ends here
  // CHECK-MESSAGES: :[[@LINE+16]]:3: note: 'preempt_fence_work_func' calls 'xe_vm_rebind' here
  // CHECK-MESSAGES: :[[@LINE+20]]:3: note: 'xe_vm.lock' is held here by 'xe_vm_suspend_queues'
  // CHECK-MESSAGES: :[[@LINE+20]]:3: note: which waits on a fence here ('dma_fence_wait')
  mutex_unlock(&vm->lock);
}

static void preempt_fence_work_func(struct work_struct *w) {
  bool cookie = dma_fence_begin_signalling();
  struct xe_preempt_fence *pfence = container_of(w, struct xe_preempt_fence, preempt_work);
  struct xe_exec_queue *q = pfence->q;

  if (pfence->error)
    dma_fence_set_error(&pfence->base, pfence->error);
  dma_fence_signal(&pfence->base);
  dma_fence_end_signalling(cookie);

  xe_vm_rebind(q->vm);
}

// The VM side: vm->lock held while waiting for the preempt fences.
void xe_vm_suspend_queues(struct xe_vm *vm, struct xe_preempt_fence *pfence) {
  mutex_lock(&vm->lock);
  dma_fence_wait(&pfence->base, false);
  mutex_unlock(&vm->lock);
}

// The fix: the section covers the whole worker.
static void fixed_work_func(struct work_struct *w) {
  bool cookie = dma_fence_begin_signalling();
  struct xe_preempt_fence *pfence = container_of(w, struct xe_preempt_fence, preempt_work);
  dma_fence_signal(&pfence->base);
  xe_vm_rebind(pfence->q->vm);
  dma_fence_end_signalling(cookie);
}

// Balanced, and cookies handed on: no warning.
void balanced(struct dma_fence *f) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_signal(f);
  dma_fence_end_signalling(cookie);
}

bool begin_for_caller(void) { return dma_fence_begin_signalling(); }

struct job_state {
  bool fence_cookie;
};

void begin_stored(struct job_state *s) {
  bool cookie = dma_fence_begin_signalling();
  s->fence_cookie = cookie;
}

void end_stored(struct job_state *s) { dma_fence_end_signalling(s->fence_cookie); }
