// Upstream fix: "drm/xe: Mark GT work queue with WQ_MEM_RECLAIM" (commit
// e2d84e5b2205). The timeout handler queues the GT reset worker on the GT's
// ordered workqueue; the timed-out job's fence signals only once the reset
// ran, so that workqueue needs a rescuer.
#include <drm/gpu_scheduler.h>
#include <linux/workqueue.h>

struct gt_before {
  struct workqueue_struct *ordered_wq;
  struct work_struct reset_worker;
};

static void gt_before_reset_worker(struct work_struct *w) {}

int gt_before_alloc(struct gt_before *gt) {
  gt->ordered_wq = alloc_ordered_workqueue("gt-ordered-wq", 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: workqueue 'gt_before.ordered_wq' is allocated without WQ_MEM_RECLAIM ('alloc_ordered_workqueue("gt-ordered-wq", 0)'), but work is queued on it on a dma-fence signalling path; without a rescuer thread the work may not run under memory pressure and the fence not signal [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+17]]:21: note: 'before_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+11]]:3: note: 'before_timedout_job' calls 'gt_before_reset_async' here
  // CHECK-MESSAGES: :[[@LINE+6]]:3: note: 'queue_work' queues work item 'gt_before.reset_worker' on 'gt_before.ordered_wq' here
  INIT_WORK(&gt->reset_worker, gt_before_reset_worker);
  return gt->ordered_wq ? 0 : -ENOMEM;
}

static void gt_before_reset_async(struct gt_before *gt) {
  queue_work(gt->ordered_wq, &gt->reset_worker);
}

static enum drm_gpu_sched_stat before_timedout_job(struct drm_sched_job *job) {
  gt_before_reset_async((struct gt_before *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops before_ops = {
    .timedout_job = before_timedout_job,
};

// After the fix.
struct gt_after {
  struct workqueue_struct *ordered_wq;
  struct work_struct reset_worker;
};

static void gt_after_reset_worker(struct work_struct *w) {}

int gt_after_alloc(struct gt_after *gt) {
  gt->ordered_wq = alloc_ordered_workqueue("gt-ordered-wq", WQ_MEM_RECLAIM);
  INIT_WORK(&gt->reset_worker, gt_after_reset_worker);
  return gt->ordered_wq ? 0 : -ENOMEM;
}

static enum drm_gpu_sched_stat after_timedout_job(struct drm_sched_job *job) {
  struct gt_after *gt = (struct gt_after *)job->entity;
  queue_work(gt->ordered_wq, &gt->reset_worker);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops after_ops = {
    .timedout_job = after_timedout_job,
};
