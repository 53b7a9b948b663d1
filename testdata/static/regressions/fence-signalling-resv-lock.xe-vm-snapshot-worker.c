// Upstream fix: "drm/xe: Implement VM snapshot support for BO's and
// userptr". Capturing buffer contents from the timeout handler needs each
// buffer's reservation lock and memory, neither allowed in signalling
// context; the fix splits the capture: the handler only takes references,
// a delayed worker (no fence waits for it, a fact in the driver's rule
// file) locks, allocates and copies.
// TIDY-CONFIG: rules/xe-snapshot.clang-tidy
#include <drm/gpu_scheduler.h>
#include <linux/dma-resv.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct bo {
  struct dma_resv *resv;
  size_t size;
};

struct vm_snapshot {
  struct bo *bo;
  void *data;
  struct work_struct work;
};

// Before the fix: everything in the timeout handler.
static void snapshot_capture_before(struct vm_snapshot *snap) {
  dma_resv_lock(snap->bo->resv, NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: dma-resv lock taken by 'dma_resv_lock' on a dma-fence signalling path; holders of dma-resv locks wait on fences, use dma_resv_trylock() or lock before signalling starts [fence-signalling-resv-lock]
  // CHECK-MESSAGES: :[[@LINE+12]]:21: note: 'before_timedout_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.timedout_job here
  // CHECK-MESSAGES: :[[@LINE+6]]:3: note: 'before_timedout_job' calls 'snapshot_capture_before' here
  snap->data = kmalloc(snap->bo->size, GFP_KERNEL);
  dma_resv_unlock(snap->bo->resv);
}

static enum drm_gpu_sched_stat before_timedout_job(struct drm_sched_job *job) {
  snapshot_capture_before((struct vm_snapshot *)job->entity);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops before_ops = {
    .timedout_job = before_timedout_job,
};

// After the fix: the handler queues the delayed stage.
static void snapshot_capture_delayed(struct work_struct *w) {
  struct vm_snapshot *snap = container_of(w, struct vm_snapshot, work);
  dma_resv_lock(snap->bo->resv, NULL);
  snap->data = kmalloc(snap->bo->size, GFP_KERNEL);
  dma_resv_unlock(snap->bo->resv);
}

static enum drm_gpu_sched_stat after_timedout_job(struct drm_sched_job *job) {
  struct vm_snapshot *snap = (struct vm_snapshot *)job->entity;
  INIT_WORK(&snap->work, snapshot_capture_delayed);
  queue_work(system_unbound_wq, &snap->work);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

static const struct drm_sched_backend_ops after_ops = {
    .timedout_job = after_timedout_job,
};
