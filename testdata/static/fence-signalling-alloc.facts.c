// A driver's own facts (TIDY-CONFIG: its rule file) about functions and
// work items a signalling path reaches that no fence waits for: init work a
// reset finds done, a hang dump finished by a worker outside the path.
// TIDY-CONFIG: rules/facts.clang-tidy
#include <drm/gpu_scheduler.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct drv_dev {
  struct workqueue_struct *wq;
  struct work_struct dump_work;
  struct work_struct flush_work;
};

static void drv_record_defaults(struct drv_dev *d) {
  void *img = kzalloc(4096, GFP_KERNEL);
  kfree(img);
}

static void drv_dump_worker(struct work_struct *w) {
  void *buf = kzalloc(4096, GFP_KERNEL);
  kfree(buf);
}

// No fact covers this one: it is reported.
static void drv_flush_worker(struct work_struct *w) {
  void *buf = kzalloc(64, GFP_KERNEL);
  // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: allocation with GFP_KERNEL ('kzalloc') may enter memory reclaim{{.*}} [fence-signalling-alloc]
  // CHECK-MESSAGES: :[[@LINE+20]]:21: note: 'drv_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+14]]:3: note: 'drv_timedout_job' queues work item 'drv_dev.flush_work' here{{.*}}
  kfree(buf);
}

void drv_init(struct drv_dev *d) {
  d->wq = alloc_workqueue("drv", WQ_MEM_RECLAIM, 0);
  INIT_WORK(&d->dump_work, drv_dump_worker);
  INIT_WORK(&d->flush_work, drv_flush_worker);
}

static enum drm_gpu_sched_stat drv_timedout_job(struct drm_sched_job *job) {
  struct drv_dev *d = (struct drv_dev *)job->entity;
  drv_record_defaults(d);
  queue_work(d->wq, &d->dump_work);
  queue_work(d->wq, &d->flush_work);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops drv_sched_ops = {
    .timedout_job = drv_timedout_job,
};
