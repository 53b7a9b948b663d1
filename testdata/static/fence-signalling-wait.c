// fence-signalling-wait: signalling a fence must not depend on waiting
// for another fence.
#include <drm/gpu_scheduler.h>
#include <linux/dma-resv.h>

struct my_job {
  struct drm_sched_job base;
  struct dma_fence *hw_fence;
  struct dma_fence *prev;
  struct dma_resv *resv;
};

static void flush_prev(struct my_job *job) {
  dma_fence_wait(job->prev, false);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: fence wait 'dma_fence_wait' on a dma-fence signalling path; signalling a fence must not wait on other fences [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+22]]:16: note: 'my_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+5]]:3: note: 'my_run_job' calls 'flush_prev' here
}

static struct dma_fence *my_run_job(struct drm_sched_job *sched_job) {
  struct my_job *job = (struct my_job *)sched_job;
  flush_prev(job);
  return job->hw_fence;
}

// timedout_job is a signalling root too.
static enum drm_gpu_sched_stat my_timedout_job(struct drm_sched_job *sched_job) {
  struct my_job *job = (struct my_job *)sched_job;
  dma_resv_wait_timeout(job->resv, DMA_RESV_USAGE_BOOKKEEP, false, 100);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: fence wait 'dma_resv_wait_timeout' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE+8]]:21: note: 'my_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void my_free_job(struct drm_sched_job *sched_job);

static const struct drm_sched_backend_ops my_sched_ops = {
    .run_job = my_run_job,
    .timedout_job = my_timedout_job,
    .free_job = my_free_job,
};

// free_job is not a signalling root: waiting there is allowed.
static void my_free_job(struct drm_sched_job *sched_job) {
  struct my_job *job = (struct my_job *)sched_job;
  dma_fence_wait(job->prev, false);
}

// An explicit section: the wait inside is flagged, the one after is not.
void submit(struct my_job *job) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_wait_timeout(job->prev, true, 100);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: fence wait 'dma_fence_wait_timeout' on a dma-fence signalling path{{.*}} [fence-signalling-wait]
  // CHECK-MESSAGES: :[[@LINE-3]]:17: note: the dma-fence signalling section begins here
  dma_fence_signal(job->hw_fence);
  dma_fence_end_signalling(cookie);
  dma_fence_wait(job->prev, false);
}

// Calls through the ops table reach the registered function.
void sched_main(const struct drm_sched_backend_ops *ops, struct drm_sched_job *job) {
  bool cookie = dma_fence_begin_signalling();
  ops->run_job(job);
  dma_fence_end_signalling(cookie);
}
