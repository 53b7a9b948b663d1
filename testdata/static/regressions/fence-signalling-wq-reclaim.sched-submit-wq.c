// Upstream fix: "drm/sched: Mark scheduler work queues with WQ_MEM_RECLAIM"
// (Linux 6.12, commit 746ae46c1113). The scheduler allocated its own
// ordered submission workqueue without WQ_MEM_RECLAIM; a job's hardware
// fence callback wakes the scheduler by queueing the run-job work there,
// and the next jobs' fences wait for that work.
#include <drm/gpu_scheduler.h>
#include <linux/workqueue.h>

struct old_sched {
  struct workqueue_struct *submit_wq;
  struct work_struct work_run_job;
  struct dma_fence_cb cb;
};

static void old_run_job_work(struct work_struct *w) {}

int old_sched_init(struct old_sched *s, struct workqueue_struct *submit_wq) {
  if (submit_wq)
    s->submit_wq = submit_wq;
  else
    s->submit_wq = alloc_ordered_workqueue("sched", 0);
    // CHECK-MESSAGES: :[[@LINE-1]]:20: warning: workqueue 'old_sched.submit_wq' is allocated without WQ_MEM_RECLAIM ('alloc_ordered_workqueue("sched", 0)'), but work is queued on it on a dma-fence signalling path; without a rescuer thread the work may not run under memory pressure and the fence not signal [fence-signalling-wq-reclaim]
    // CHECK-MESSAGES: :[[@LINE+12]]:38: note: 'old_job_done_cb' is on a dma-fence signalling path: passed to dma_fence_add_callback() here
    // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'queue_work' queues work item 'old_sched.work_run_job' on 'old_sched.submit_wq' here
  INIT_WORK(&s->work_run_job, old_run_job_work);
  return 0;
}

static void old_job_done_cb(struct dma_fence *f, struct dma_fence_cb *cb) {
  struct old_sched *s = container_of(cb, struct old_sched, cb);
  queue_work(s->submit_wq, &s->work_run_job);
}

void old_sched_arm(struct old_sched *s, struct dma_fence *hw) {
  dma_fence_add_callback(hw, &s->cb, old_job_done_cb);
}

// After the fix: the same, with a rescuer.
struct new_sched {
  struct workqueue_struct *submit_wq;
  struct work_struct work_run_job;
  struct dma_fence_cb cb;
};

static void new_run_job_work(struct work_struct *w) {}

int new_sched_init(struct new_sched *s, struct workqueue_struct *submit_wq) {
  if (submit_wq)
    s->submit_wq = submit_wq;
  else
    s->submit_wq = alloc_ordered_workqueue("sched", WQ_MEM_RECLAIM);
  INIT_WORK(&s->work_run_job, new_run_job_work);
  return 0;
}

static void new_job_done_cb(struct dma_fence *f, struct dma_fence_cb *cb) {
  struct new_sched *s = container_of(cb, struct new_sched, cb);
  queue_work(s->submit_wq, &s->work_run_job);
}

void new_sched_arm(struct new_sched *s, struct dma_fence *hw) {
  dma_fence_add_callback(hw, &s->cb, new_job_done_cb);
}
