// Upstream fix: "drm/xe: Replace use of system_wq with
// tlb_inval->timeout_wq". The timeout work that signals stuck TLB
// invalidation fences (with an error) was queued on system_wq, which has
// no rescuer; the invalidation is sent from the fence callback of a bind,
// so the fence path depends on that work when the firmware stops answering.
#include <linux/dma-fence.h>
#include <linux/workqueue.h>

struct tlb_inval_before {
  struct delayed_work fence_tdr;
  struct dma_fence_cb cb;
};

static void tlb_before_timeout(struct work_struct *w) {}

void tlb_before_init(struct tlb_inval_before *t) {
  INIT_DELAYED_WORK(&t->fence_tdr, tlb_before_timeout);
}

static void tlb_before_send(struct tlb_inval_before *t) {
  queue_delayed_work(system_wq, &t->fence_tdr, 100);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: work item 'tlb_inval_before.fence_tdr.work' is queued by 'queue_delayed_work' on system workqueue 'system_wq' on a dma-fence signalling path; system workqueues have no rescuer thread, so under memory pressure the work may not run and the fence not signal; queue it on a workqueue allocated with WQ_MEM_RECLAIM [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+10]]:37: note: 'bind_before_fence_cb' is on a dma-fence signalling path: passed to dma_fence_add_callback() here
  // CHECK-MESSAGES: :[[@LINE+5]]:3: note: 'bind_before_fence_cb' calls 'tlb_before_send' here
}

static void bind_before_fence_cb(struct dma_fence *f, struct dma_fence_cb *cb) {
  struct tlb_inval_before *t = container_of(cb, struct tlb_inval_before, cb);
  tlb_before_send(t);
}

void bind_before_arm(struct tlb_inval_before *t, struct dma_fence *f) {
  dma_fence_add_callback(f, &t->cb, bind_before_fence_cb);
}

// After the fix: the GT's ordered workqueue, which has a rescuer.
struct tlb_inval_after {
  struct workqueue_struct *timeout_wq;
  struct delayed_work fence_tdr;
  struct dma_fence_cb cb;
};

static void tlb_after_timeout(struct work_struct *w) {}

void tlb_after_init(struct tlb_inval_after *t) {
  t->timeout_wq = alloc_ordered_workqueue("gt-ordered-wq", WQ_MEM_RECLAIM);
  INIT_DELAYED_WORK(&t->fence_tdr, tlb_after_timeout);
}

static void bind_after_fence_cb(struct dma_fence *f, struct dma_fence_cb *cb) {
  struct tlb_inval_after *t = container_of(cb, struct tlb_inval_after, cb);
  queue_delayed_work(t->timeout_wq, &t->fence_tdr, 100);
}

void bind_after_arm(struct tlb_inval_after *t, struct dma_fence *f) {
  dma_fence_add_callback(f, &t->cb, bind_after_fence_cb);
}
