/* Driver alpha (module alpha.ko): its run_job reaches the core's commit,
 * which runs alpha's own implementation, which does not allocate. Beta's
 * implementation allocates, but alpha never calls beta's ops. */
#include <drm/core.h>
#include <drm/gpu_scheduler.h>
#include <linux/slab.h>

struct alpha_job {
  struct drm_sched_job base;
  struct core_dev *dev;
};

static int alpha_commit(struct core_dev *dev) {
  void *p = kmalloc(16, GFP_NOWAIT);
  kfree(p);
  return 0;
}

static const struct core_commit_funcs alpha_funcs = {
    .commit = alpha_commit,
};

static struct dma_fence *alpha_run_job(struct drm_sched_job *sched_job) {
  struct alpha_job *job = (struct alpha_job *)sched_job;
  core_commit(job->dev);
  return NULL;
}

const struct drm_sched_backend_ops alpha_sched_ops = {
    .run_job = alpha_run_job,
};
