// fence-signalling-alloc through what real hazards go through: work queued
// on the signalling path (the fence now waits for it), release functions
// run by kref_put, the scheduler's prepare_job, fence release, and
// allocators whose bodies are outside the program (drmm_add_action).
#include <drm/drm_managed.h>
#include <drm/gpu_scheduler.h>
#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct eng {
  struct drm_device *drm;
  struct workqueue_struct *wq;
  struct work_struct reset_work;
  struct work_struct cleanup_work;
};

struct eng_obj {
  struct kref ref;
  struct eng *eng;
};

// The TDR queues a reset worker; the timed-out job's fence signals only
// after the reset, so the worker's allocation is on the signalling path.
static void eng_reset_worker(struct work_struct *w) {
  struct eng *e = container_of(w, struct eng, reset_work);
  void *state = kzalloc(128, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: allocation with GFP_KERNEL ('kzalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+52]]:21: note: 'eng_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+22]]:3: note: 'eng_timedout_job' queues work item 'eng.reset_work' here: its function 'eng_reset_worker', bound at {{.*}}.c:{{[0-9]+}} runs for this path (whoever waits for the path waits for it)
  kfree(state);
}

// Work that runs after the fence signalled is not waited for.
static void eng_cleanup_worker(struct work_struct *w) {
  void *p = kzalloc(64, GFP_KERNEL);
  kfree(p);
}

void eng_init(struct eng *e) {
  e->wq = alloc_workqueue("eng", WQ_MEM_RECLAIM, 0);
  INIT_WORK(&e->reset_work, eng_reset_worker);
  INIT_WORK(&e->cleanup_work, eng_cleanup_worker);
}

// The device is declared dead from the TDR: the cleanup registration
// allocates inside drmm_add_action_or_reset.
static void eng_wedged_fini(struct drm_device *drm, void *arg) {}

static enum drm_gpu_sched_stat eng_timedout_job(struct drm_sched_job *job) {
  struct eng *e = (struct eng *)job->entity;
  queue_work(e->wq, &e->reset_work);
  if (drmm_add_action_or_reset(e->drm, eng_wedged_fini, e))
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: allocation with an allocator that always may reclaim ('__drmm_add_action_or_reset') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+26]]:21: note: 'eng_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
    return DRM_GPU_SCHED_STAT_NONE;
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

// kref_put runs the release function when the last reference goes.
static void eng_obj_release(struct kref *ref) {
  struct eng_obj *o = container_of(ref, struct eng_obj, ref);
  void *log = kmalloc(32, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: allocation with GFP_KERNEL ('kmalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+15]]:20: note: 'eng_prepare_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.prepare_job here
  // CHECK-MESSAGES: :[[@LINE+9]]:3: note: 'eng_prepare_job' calls 'eng_obj_release' here
  kfree(log);
  kfree(o);
}

// prepare_job runs on the way to run_job.
static struct dma_fence *eng_prepare_job(struct drm_sched_job *job,
                                         struct drm_sched_entity *entity) {
  struct eng_obj *o = (struct eng_obj *)job->s_fence;
  kref_put(&o->ref, eng_obj_release);
  return NULL;
}

static const struct drm_sched_backend_ops eng_sched_ops = {
    .prepare_job = eng_prepare_job,
    .timedout_job = eng_timedout_job,
};

// Work queued after the signal does not delay the fence: no warning in
// eng_cleanup_worker.
void eng_complete(struct eng *e, struct dma_fence *f) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_signal(f);
  queue_work(e->wq, &e->cleanup_work);
  dma_fence_end_signalling(cookie);
}

// A fence's release may run wherever the last reference is put, signalling
// paths included.
struct eng_fence {
  struct dma_fence base;
};

static void eng_fence_release(struct dma_fence *f) {
  void *p = kmalloc(16, GFP_NOFS);
  // CHECK-MESSAGES: :[[@LINE-1]]:13: warning: allocation with GFP_NOFS ('kmalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+5]]:16: note: 'eng_fence_release' is on a dma-fence signalling path: registered as dma_fence_ops.release here
  kfree(p);
}

static const struct dma_fence_ops eng_fence_ops = {
    .release = eng_fence_release,
};
