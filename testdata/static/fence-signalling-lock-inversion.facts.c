// Facts of the rules narrow what the code alone cannot: the default rules
// say drm_sched_stop() waits only on fences already signalling. Modelled on
// the false alarms of Linux 6.12's xe: guc_exec_queue_init() holds the
// submission lock across drm_sched_stop() of a scheduler that has no jobs
// yet, and run_job takes that lock.
#include <drm/gpu_scheduler.h>
#include <linux/mutex.h>

struct drm_gpu_scheduler {
  struct dma_fence *pending;
};

struct drv_dev {
  struct mutex submit_lock;
  struct mutex other_lock;
  struct drm_gpu_scheduler sched;
};

// Stands for the scheduler's own function of this name.
void drm_sched_stop(struct drm_gpu_scheduler *sched, struct drm_sched_job *bad) {
  if (sched->pending)
    dma_fence_wait(sched->pending, false);
}

// The same body under another name: nothing says its wait is bounded.
void drv_stop(struct drm_gpu_scheduler *sched) {
  if (sched->pending)
    dma_fence_wait(sched->pending, false);
}

int drv_queue_init(struct drv_dev *d) {
  mutex_lock(&d->submit_lock);
  drm_sched_stop(&d->sched, NULL);
  mutex_unlock(&d->submit_lock);
  mutex_lock(&d->other_lock);
  drv_stop(&d->sched);
  mutex_unlock(&d->other_lock);
  return 0;
}

static struct dma_fence *drv_run_job(struct drm_sched_job *job) {
  struct drv_dev *d = (struct drv_dev *)job->entity;
  mutex_lock(&d->submit_lock);
  mutex_unlock(&d->submit_lock);
  mutex_lock(&d->other_lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'drv_dev.other_lock' taken by 'mutex_lock' on a dma-fence signalling path is held elsewhere across a fence wait; the two can deadlock [fence-signalling-lock-inversion]
  // CHECK-MESSAGES: :[[@LINE+9]]:16: note: 'drv_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE-13]]:3: note: 'drv_dev.other_lock' is held here by 'drv_queue_init'
  // CHECK-MESSAGES: :[[@LINE-13]]:3: note: 'drv_queue_init' calls 'drv_stop' here with 'drv_dev.other_lock' held
  // CHECK-MESSAGES: :[[@LINE-22]]:5: note: which waits on a fence here ('dma_fence_wait')
  mutex_unlock(&d->other_lock);
  return NULL;
}

static const struct drm_sched_backend_ops drv_sched_ops = {
    .run_job = drv_run_job,
};
