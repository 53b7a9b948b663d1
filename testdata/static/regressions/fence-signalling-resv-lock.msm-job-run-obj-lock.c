// Upstream fix: "drm/msm/gem: Avoid obj lock in job_run()" (commit
// 17b704f1c0fb). run_job locked every buffer's reservation object to pin
// it; holders of dma-resv locks wait on fences, including the one run_job
// must produce. The fix tracks pinning with a narrower lock of its own.
#include <drm/gpu_scheduler.h>
#include <linux/dma-resv.h>
#include <linux/spinlock.h>

struct gem_obj {
  struct dma_resv *resv;
  int pin_count;
  spinlock_t vma_lock;
};

struct submit {
  struct drm_sched_job base;
  struct gem_obj *bos[4];
  int nr_bos;
};

static void submit_pin_before(struct gem_obj *obj) {
  dma_resv_lock(obj->resv, NULL);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: dma-resv lock taken by 'dma_resv_lock' on a dma-fence signalling path; holders of dma-resv locks wait on fences, use dma_resv_trylock() or lock before signalling starts [fence-signalling-resv-lock]
  // CHECK-MESSAGES: :[[@LINE+14]]:16: note: 'before_job_run' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+8]]:5: note: 'before_job_run' calls 'submit_pin_before' here
  obj->pin_count++;
  dma_resv_unlock(obj->resv);
}

static struct dma_fence *before_job_run(struct drm_sched_job *job) {
  struct submit *s = container_of(job, struct submit, base);
  for (int i = 0; i < s->nr_bos; i++)
    submit_pin_before(s->bos[i]);
  return NULL;
}

static const struct drm_sched_backend_ops before_ops = {
    .run_job = before_job_run,
};

// After the fix: a per-object spinlock, never the reservation lock.
static void submit_pin_after(struct gem_obj *obj) {
  spin_lock(&obj->vma_lock);
  obj->pin_count++;
  spin_unlock(&obj->vma_lock);
}

static struct dma_fence *after_job_run(struct drm_sched_job *job) {
  struct submit *s = container_of(job, struct submit, base);
  for (int i = 0; i < s->nr_bos; i++)
    submit_pin_after(s->bos[i]);
  return NULL;
}

static const struct drm_sched_backend_ops after_ops = {
    .run_job = after_job_run,
};
