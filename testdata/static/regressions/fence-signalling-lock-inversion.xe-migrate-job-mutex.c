// Upstream fix: "drm/xe: Move job creation out of the struct
// xe_migrate::job_mutex". Migration jobs are pushed under the migrate
// context's job mutex, also from paths that must complete for a fence to
// signal (here: the page-table update a bind job's run_job performs); the
// job was allocated with GFP_KERNEL while holding that mutex, so reclaim,
// waiting on the fence, could wait for the mutex.
#include <drm/gpu_scheduler.h>
#include <linux/mutex.h>
#include <linux/slab.h>

struct migrate {
  struct mutex job_mutex;
};

struct migrate_job {
  int nr;
};

static void migrate_push(struct migrate *m, struct migrate_job *job) {}

// Before the fix: the allocation under the mutex.
int migrate_clear_before(struct migrate *m) {
  mutex_lock(&m->job_mutex);
  struct migrate_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
  if (job)
    migrate_push(m, job);
  mutex_unlock(&m->job_mutex);
  return job ? 0 : -ENOMEM;
}

static void pt_update_before(struct migrate *m) {
  mutex_lock(&m->job_mutex);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'migrate.job_mutex' taken by 'mutex_lock' on a dma-fence signalling path is held elsewhere across an allocation that may enter reclaim; the two can deadlock [fence-signalling-lock-inversion]
  // CHECK-MESSAGES: :[[@LINE+13]]:16: note: 'bind_before_run_job' is on a dma-fence signalling path: registered as drm_sched_backend_ops.run_job here
  // CHECK-MESSAGES: :[[@LINE+7]]:3: note: 'bind_before_run_job' calls 'pt_update_before' here
  // CHECK-MESSAGES: :[[@LINE-13]]:3: note: 'migrate.job_mutex' is held here by 'migrate_clear_before'
  // CHECK-MESSAGES: :[[@LINE-13]]:29: note: which allocates with GFP_KERNEL here ('kzalloc'), entering reclaim that waits on fences
  mutex_unlock(&m->job_mutex);
}

static struct dma_fence *bind_before_run_job(struct drm_sched_job *job) {
  pt_update_before((struct migrate *)job->entity);
  return NULL;
}

static const struct drm_sched_backend_ops bind_before_ops = {
    .run_job = bind_before_run_job,
};

// After the fix: the job is created before the mutex is taken.
struct migrate_fixed {
  struct mutex job_mutex;
};

int migrate_clear_after(struct migrate_fixed *m) {
  struct migrate_job *job = kzalloc(sizeof(*job), GFP_KERNEL);
  if (!job)
    return -ENOMEM;
  mutex_lock(&m->job_mutex);
  mutex_unlock(&m->job_mutex);
  return 0;
}

static struct dma_fence *bind_after_run_job(struct drm_sched_job *job) {
  struct migrate_fixed *m = (struct migrate_fixed *)job->entity;
  mutex_lock(&m->job_mutex);
  mutex_unlock(&m->job_mutex);
  return NULL;
}

static const struct drm_sched_backend_ops bind_after_ops = {
    .run_job = bind_after_run_job,
};
