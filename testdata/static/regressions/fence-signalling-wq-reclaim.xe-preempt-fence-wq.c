// Upstream fix: "drm/xe: Mark preempt fence workqueue as reclaim" (commit
// 15cf53ece417). A preempt fence's enable_signaling queues the work that
// suspends the queue and signals the fence; memory reclaim waits on such
// fences (through dma-resv), so their workqueue needs a rescuer.
#include <linux/dma-fence.h>
#include <linux/workqueue.h>

struct dev_before {
  struct workqueue_struct *preempt_fence_wq;
};

struct pfence_before {
  struct dma_fence base;
  struct dev_before *xe;
  struct work_struct preempt_work;
};

static void pfence_before_work(struct work_struct *w) {
  struct pfence_before *pf = container_of(w, struct pfence_before, preempt_work);
  dma_fence_signal(&pf->base);
}

int dev_before_create(struct dev_before *xe) {
  xe->preempt_fence_wq = alloc_ordered_workqueue("xe-preempt-fence-wq", 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:26: warning: workqueue 'dev_before.preempt_fence_wq' is allocated without WQ_MEM_RECLAIM ('alloc_ordered_workqueue("xe-preempt-fence-wq", 0)'), but work is queued on it on a dma-fence signalling path; without a rescuer thread the work may not run under memory pressure and the fence not signal [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+13]]:25: note: 'pfence_before_enable_signaling' is on a dma-fence signalling path: registered as dma_fence_ops.enable_signaling here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'queue_work' queues work item 'pfence_before.preempt_work' on 'dev_before.preempt_fence_wq' here
  return 0;
}

static bool pfence_before_enable_signaling(struct dma_fence *f) {
  struct pfence_before *pf = container_of(f, struct pfence_before, base);
  INIT_WORK(&pf->preempt_work, pfence_before_work);
  queue_work(pf->xe->preempt_fence_wq, &pf->preempt_work);
  return true;
}

static const struct dma_fence_ops pfence_before_ops = {
    .enable_signaling = pfence_before_enable_signaling,
};

// After the fix.
struct dev_after {
  struct workqueue_struct *preempt_fence_wq;
};

struct pfence_after {
  struct dma_fence base;
  struct dev_after *xe;
  struct work_struct preempt_work;
};

static void pfence_after_work(struct work_struct *w) {
  struct pfence_after *pf = container_of(w, struct pfence_after, preempt_work);
  dma_fence_signal(&pf->base);
}

int dev_after_create(struct dev_after *xe) {
  xe->preempt_fence_wq = alloc_ordered_workqueue("xe-preempt-fence-wq", WQ_MEM_RECLAIM);
  return 0;
}

static bool pfence_after_enable_signaling(struct dma_fence *f) {
  struct pfence_after *pf = container_of(f, struct pfence_after, base);
  INIT_WORK(&pf->preempt_work, pfence_after_work);
  queue_work(pf->xe->preempt_fence_wq, &pf->preempt_work);
  return true;
}

static const struct dma_fence_ops pfence_after_ops = {
    .enable_signaling = pfence_after_enable_signaling,
};
