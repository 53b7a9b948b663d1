// Upstream fix: "drm/xe: fix WQ_MEM_RECLAIM passed as max_active to
// alloc_workqueue()" (fixing 60df57e496e4). The first fix put the flag in
// alloc_workqueue()'s third argument, max_active: the workqueue still had
// no rescuer. The flags argument is what counts.
#include <linux/shrinker.h>
#include <linux/workqueue.h>

struct ggtt_before {
  struct workqueue_struct *wq;
  struct work_struct remove_work;
  struct shrinker shrinker;
};

static void ggtt_before_remove_worker(struct work_struct *w) {}

int ggtt_before_init_early(struct ggtt_before *ggtt) {
  ggtt->wq = alloc_workqueue("xe-ggtt-wq", 0, WQ_MEM_RECLAIM);
  // CHECK-MESSAGES: :[[@LINE-1]]:14: warning: workqueue 'ggtt_before.wq' is allocated without WQ_MEM_RECLAIM ('alloc_workqueue("xe-ggtt-wq", 0, WQ_MEM_RECLAIM)'), but work is queued on it in memory reclaim; without a rescuer thread the work may not run under memory pressure and reclaim not finish [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+13]]:33: note: 'before_shrink_scan' runs in memory reclaim: registered as shrinker.scan_objects here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'queue_work' queues work item 'ggtt_before.remove_work' on 'ggtt_before.wq' here
  INIT_WORK(&ggtt->remove_work, ggtt_before_remove_worker);
  return 0;
}

static unsigned long before_shrink_scan(struct shrinker *s, struct shrink_control *sc) {
  struct ggtt_before *ggtt = container_of(s, struct ggtt_before, shrinker);
  queue_work(ggtt->wq, &ggtt->remove_work);
  return 1;
}

void ggtt_before_shrinker(struct ggtt_before *ggtt) {
  ggtt->shrinker.scan_objects = before_shrink_scan;
}

// After the fix.
struct ggtt_after {
  struct workqueue_struct *wq;
  struct work_struct remove_work;
  struct shrinker shrinker;
};

static void ggtt_after_remove_worker(struct work_struct *w) {}

int ggtt_after_init_early(struct ggtt_after *ggtt) {
  ggtt->wq = alloc_workqueue("xe-ggtt-wq", WQ_MEM_RECLAIM, 0);
  INIT_WORK(&ggtt->remove_work, ggtt_after_remove_worker);
  return 0;
}

static unsigned long after_shrink_scan(struct shrinker *s, struct shrink_control *sc) {
  struct ggtt_after *ggtt = container_of(s, struct ggtt_after, shrinker);
  queue_work(ggtt->wq, &ggtt->remove_work);
  return 1;
}

void ggtt_after_shrinker(struct ggtt_after *ggtt) {
  ggtt->shrinker.scan_objects = after_shrink_scan;
}
