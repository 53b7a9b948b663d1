// fence-signalling-lock-inversion: a lock taken on a signalling path must
// not be held elsewhere across a fence wait or a reclaiming allocation.
#include <drm/gpu_scheduler.h>
#include <linux/mutex.h>
#include <linux/slab.h>

// Modelled on the 2023 msm / PM QoS deadlock ("PM / QoS: Fix constraints
// alloc vs reclaim locking"): dev_pm_qos_add_request() allocated with
// GFP_KERNEL under dev_pm_qos_mtx, and msm's run_job reached
// dev_pm_qos_update_request(), which takes the same mutex.
static DEFINE_MUTEX(dev_pm_qos_mtx);

struct dev_pm_qos_request {
  void *constraints;
  int value;
};

int dev_pm_qos_add_request(struct dev_pm_qos_request *req) {
  mutex_lock(&dev_pm_qos_mtx);
  req->constraints = kzalloc(64, GFP_KERNEL);
  mutex_unlock(&dev_pm_qos_mtx);
  return 0;
}

int dev_pm_qos_update_request(struct dev_pm_qos_request *req, int value) {
  mutex_lock(&dev_pm_qos_mtx);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'dev_pm_qos_mtx' taken by 'mutex_lock' on a dma-fence signalling path is held elsewhere across an allocation that may enter reclaim; the two can deadlock [fence-signalling-lock-inversion]
  // CHECK-MESSAGES: :[[@LINE+33]]:16: note: 'msm_job_run' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+21]]:3: note: 'msm_job_run' calls 'msm_devfreq_active' here
  // CHECK-MESSAGES: :[[@LINE+15]]:3: note: 'msm_devfreq_active' calls 'dev_pm_qos_update_request' here
  // CHECK-MESSAGES: :[[@LINE-12]]:3: note: 'dev_pm_qos_mtx' is held here by 'dev_pm_qos_add_request'
  // CHECK-MESSAGES: :[[@LINE-12]]:22: note: which allocates with GFP_KERNEL here ('kzalloc'), entering reclaim that waits on fences
  req->value = value;
  mutex_unlock(&dev_pm_qos_mtx);
  return 0;
}

struct msm_gpu {
  struct mutex lock;
  struct dev_pm_qos_request boost;
  struct dma_fence *hw_fence;
};

static void msm_devfreq_active(struct msm_gpu *gpu) {
  dev_pm_qos_update_request(&gpu->boost, 1);
}

static struct dma_fence *msm_job_run(struct drm_sched_job *job) {
  struct msm_gpu *gpu = *(struct msm_gpu **)(job + 1);
  msm_devfreq_active(gpu);
  mutex_lock(&gpu->lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'msm_gpu.lock' taken by 'mutex_lock' on a dma-fence signalling path is held elsewhere across a fence wait; the two can deadlock [fence-signalling-lock-inversion]
  // CHECK-MESSAGES: :[[@LINE+8]]:16: note: 'msm_job_run' is on a dma-fence signalling path
  // CHECK-MESSAGES: :[[@LINE+13]]:3: note: 'msm_gpu.lock' is held here by 'msm_gpu_wait_idle'
  // CHECK-MESSAGES: :[[@LINE+13]]:3: note: which waits on a fence here ('dma_fence_wait')
  mutex_unlock(&gpu->lock);
  return gpu->hw_fence;
}

static const struct drm_sched_backend_ops msm_sched_ops = {
    .run_job = msm_job_run,
};

// The other half of the second inversion: the same lock class held
// across a fence wait.
void msm_gpu_wait_idle(struct msm_gpu *gpu) {
  mutex_lock(&gpu->lock);
  dma_fence_wait(gpu->hw_fence, false);
  mutex_unlock(&gpu->lock);
}

// The fix for the first: allocate before taking the lock, so the lock
// taken on the signalling path never covers reclaim.
static DEFINE_MUTEX(fixed_qos_mtx);

int fixed_add_request(struct dev_pm_qos_request *req) {
  void *c = kzalloc(64, GFP_KERNEL);
  mutex_lock(&fixed_qos_mtx);
  req->constraints = c;
  mutex_unlock(&fixed_qos_mtx);
  return 0;
}

int fixed_update_request(struct dev_pm_qos_request *req, int value) {
  mutex_lock(&fixed_qos_mtx);
  req->value = value;
  mutex_unlock(&fixed_qos_mtx);
  return 0;
}

static struct dma_fence *fixed_job_run(struct drm_sched_job *job) {
  struct msm_gpu *gpu = *(struct msm_gpu **)(job + 1);
  fixed_update_request(&gpu->boost, 1);
  return gpu->hw_fence;
}

static const struct drm_sched_backend_ops fixed_sched_ops = {
    .run_job = fixed_job_run,
};
