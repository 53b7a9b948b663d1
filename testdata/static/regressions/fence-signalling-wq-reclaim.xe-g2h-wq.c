// Upstream fix: "drm/xe: Mark G2H work queue with WQ_MEM_RECLAIM" (commit
// 179e01793ad6). Responses from the firmware (G2H messages) are handled by
// a worker on the CT's ordered workqueue; TLB-invalidation fences signal
// from those handlers, so the bind job that sends the invalidation and
// kicks the handler needs that workqueue to make progress under memory
// pressure.
#include <drm/gpu_scheduler.h>
#include <linux/workqueue.h>

struct ct_before {
  struct workqueue_struct *g2h_wq;
  struct work_struct g2h_worker;
};

static void ct_before_g2h_worker(struct work_struct *w) {}

int ct_before_init(struct ct_before *ct) {
  ct->g2h_wq = alloc_ordered_workqueue("xe-g2h-wq", 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:16: warning: workqueue 'ct_before.g2h_wq' is allocated without WQ_MEM_RECLAIM ('alloc_ordered_workqueue("xe-g2h-wq", 0)'), but work is queued on it on a dma-fence signalling path; without a rescuer thread the work may not run under memory pressure and the fence not signal [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+19]]:16: note: 'bind_before_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+13]]:3: note: 'bind_before_run_job' calls 'ct_before_send_tlb_inval' here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'queue_work' queues work item 'ct_before.g2h_worker' on 'ct_before.g2h_wq' here
  INIT_WORK(&ct->g2h_worker, ct_before_g2h_worker);
  return 0;
}

static int ct_before_send_tlb_inval(struct ct_before *ct) {
  // Room for the response: drain what the firmware sent.
  queue_work(ct->g2h_wq, &ct->g2h_worker);
  return 0;
}

static struct dma_fence *bind_before_run_job(struct drm_sched_job *job) {
  ct_before_send_tlb_inval((struct ct_before *)job->entity);
  return NULL;
}

static const struct drm_sched_backend_ops bind_before_ops = {
    .run_job = bind_before_run_job,
};

// After the fix.
struct ct_after {
  struct workqueue_struct *g2h_wq;
  struct work_struct g2h_worker;
};

static void ct_after_g2h_worker(struct work_struct *w) {}

int ct_after_init(struct ct_after *ct) {
  ct->g2h_wq = alloc_ordered_workqueue("xe-g2h-wq", WQ_MEM_RECLAIM);
  INIT_WORK(&ct->g2h_worker, ct_after_g2h_worker);
  return 0;
}

static struct dma_fence *bind_after_run_job(struct drm_sched_job *job) {
  struct ct_after *ct = (struct ct_after *)job->entity;
  queue_work(ct->g2h_wq, &ct->g2h_worker);
  return NULL;
}

static const struct drm_sched_backend_ops bind_after_ops = {
    .run_job = bind_after_run_job,
};
