/* Driver beta (module beta.ko): its commit allocates with GFP_KERNEL, and
 * its own timeout handler reaches it through the core: a real finding. Beta
 * also uses the shared helper, whose commit allocates too: a second one. */
#include <drm/core.h>
#include <drm/helper.h>
#include <drm/gpu_scheduler.h>
#include <linux/slab.h>

struct beta_job {
  struct drm_sched_job base;
  struct core_dev *dev;
};

static int beta_commit(struct core_dev *dev) {
  void *p = kmalloc(16, GFP_KERNEL);
  kfree(p);
  return 0;
}

static const struct core_commit_funcs beta_funcs = {
    .commit = beta_commit,
};

void beta_init(struct core_dev *dev) { helper_init(dev); }

static enum drm_gpu_sched_stat beta_timedout_job(struct drm_sched_job *sched_job) {
  struct beta_job *job = (struct beta_job *)sched_job;
  core_commit(job->dev);
  return DRM_GPU_SCHED_STAT_NOMINAL;
}

const struct drm_sched_backend_ops beta_sched_ops = {
    .timedout_job = beta_timedout_job,
};
