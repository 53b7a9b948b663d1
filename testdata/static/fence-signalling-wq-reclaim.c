// fence-signalling-wq-reclaim: work a dma-fence signalling path (or memory
// reclaim) queues must be able to run under memory pressure, so its
// workqueue needs a rescuer thread (WQ_MEM_RECLAIM). Reported at the
// allocation of the workqueue, or at the queueing call for a system
// workqueue, which has no allocation to change.
#include <drm/gpu_scheduler.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct gpu {
  struct workqueue_struct *ordered_wq;
  struct workqueue_struct *reclaim_wq;
  struct workqueue_struct *sched_wq;
  struct work_struct reset_work;
  struct work_struct flush_work;
  struct delayed_work timeout_work;
  struct kthread_worker *worker;
  struct kthread_work kwork;
};

struct gpu_fence {
  struct dma_fence base;
  struct gpu *gpu;
  struct work_struct signal_work;
};

static void gpu_reset_worker(struct work_struct *w) {}
static void gpu_flush_worker(struct work_struct *w) {}
static void gpu_timeout_worker(struct work_struct *w) {}
static void gpu_kthread_fn(struct kthread_work *w) {}
static void gpu_fence_signal_worker(struct work_struct *w) {}

int gpu_init(struct gpu *gpu) {
  gpu->ordered_wq = alloc_ordered_workqueue("gpu-ordered", 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:21: warning: workqueue 'gpu.ordered_wq' is allocated without WQ_MEM_RECLAIM ('alloc_ordered_workqueue("gpu-ordered", 0)'), but work is queued on it on a dma-fence signalling path; without a rescuer thread the work may not run under memory pressure and the fence not signal [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+53]]:21: note: 'gpu_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+43]]:3: note: 'queue_work' queues work item 'gpu.reset_work' on 'gpu.ordered_wq' here
  gpu->reclaim_wq = alloc_workqueue("gpu-reclaim", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
  INIT_WORK(&gpu->reset_work, gpu_reset_worker);
  INIT_WORK(&gpu->flush_work, gpu_flush_worker);
  INIT_DELAYED_WORK(&gpu->timeout_work, gpu_timeout_worker);
  kthread_init_work(&gpu->kwork, gpu_kthread_fn);
  return 0;
}

// A workqueue allocated into a local first, then stored.
int gpu_init_sched_wq(struct gpu *gpu) {
  struct workqueue_struct *wq = alloc_workqueue("gpu-sched", WQ_UNBOUND, 0);
  // CHECK-MESSAGES: :[[@LINE-1]]:33: warning: workqueue 'gpu.sched_wq' is allocated without WQ_MEM_RECLAIM {{.*}} [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+38]]:16: note: 'gpu_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+21]]:3: note: 'queue_delayed_work' queues work item 'gpu.timeout_work.work' on 'gpu.sched_wq' here
  if (!wq)
    return -ENOMEM;
  gpu->sched_wq = wq;
  return 0;
}

// The fix upstream made for such queues: WQ_MEM_RECLAIM gives a rescuer.
static bool gpu_fence_enable_signaling(struct dma_fence *fence) {
  struct gpu_fence *f = container_of(fence, struct gpu_fence, base);
  INIT_WORK(&f->signal_work, gpu_fence_signal_worker);
  queue_work(f->gpu->reclaim_wq, &f->signal_work);
  return true;
}

static const struct dma_fence_ops gpu_fence_ops = {
    .enable_signaling = gpu_fence_enable_signaling,
};

static struct dma_fence *gpu_run_job(struct drm_sched_job *job) {
  struct gpu *gpu = (struct gpu *)job->entity;
  queue_delayed_work(gpu->sched_wq, &gpu->timeout_work, 100);
  // A kthread worker is a thread of its own: no rescuer needed.
  kthread_queue_work(gpu->worker, &gpu->kwork);
  return NULL;
}

static enum drm_gpu_sched_stat gpu_timedout_job(struct drm_sched_job *job) {
  struct gpu *gpu = (struct gpu *)job->entity;
  queue_work(gpu->ordered_wq, &gpu->reset_work);
  schedule_work(&gpu->flush_work);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: work item 'gpu.flush_work' is queued by 'schedule_work' on system workqueue 'system_wq' on a dma-fence signalling path; system workqueues have no rescuer thread, so under memory pressure the work may not run and the fence not signal; queue it on a workqueue allocated with WQ_MEM_RECLAIM [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+6]]:21: note: 'gpu_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops gpu_sched_ops = {
    .run_job = gpu_run_job,
    .timedout_job = gpu_timedout_job,
};

// Work queued after the path signalled its fence does not delay it.
void gpu_complete(struct gpu *gpu, struct dma_fence *fence) {
  bool cookie = dma_fence_begin_signalling();
  dma_fence_signal(fence);
  queue_work(system_unbound_wq, &gpu->flush_work);
  dma_fence_end_signalling(cookie);
}

// Memory reclaim needs a rescuer as much: a shrinker that queues work on a
// workqueue without WQ_MEM_RECLAIM.
struct gpu_shrinker {
  struct shrinker shrinker;
  struct workqueue_struct *evict_wq;
  struct work_struct evict_work;
};

static void gpu_evict_worker(struct work_struct *w) {}

int gpu_shrinker_init(struct gpu_shrinker *s) {
  s->evict_wq = alloc_workqueue("gpu-evict", 0, WQ_MEM_RECLAIM);
  // CHECK-MESSAGES: :[[@LINE-1]]:17: warning: workqueue 'gpu_shrinker.evict_wq' is allocated without WQ_MEM_RECLAIM ('alloc_workqueue("gpu-evict", 0, WQ_MEM_RECLAIM)'), but work is queued on it in memory reclaim; without a rescuer thread the work may not run under memory pressure and reclaim not finish [fence-signalling-wq-reclaim]
  // CHECK-MESSAGES: :[[@LINE+13]]:30: note: 'gpu_shrink_scan' runs in memory reclaim: registered as shrinker.scan_objects here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'queue_work' queues work item 'gpu_shrinker.evict_work' on 'gpu_shrinker.evict_wq' here
  INIT_WORK(&s->evict_work, gpu_evict_worker);
  return 0;
}

static unsigned long gpu_shrink_scan(struct shrinker *shrinker, struct shrink_control *sc) {
  struct gpu_shrinker *s = container_of(shrinker, struct gpu_shrinker, shrinker);
  queue_work(s->evict_wq, &s->evict_work);
  return 0;
}

void gpu_shrinker_register(struct gpu_shrinker *s) {
  s->shrinker.scan_objects = gpu_shrink_scan;
  shrinker_register(&s->shrinker);
}
