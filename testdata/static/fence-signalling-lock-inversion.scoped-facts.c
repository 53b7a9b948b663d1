// A fact scoped with `only-under`: a function reached only on paths through
// some functions. Modelled on Linux 6.12's i915: the error-state printer
// (its output function allocates) is built only where a captured error
// state is formatted, but drm_printf() "calls" every printer's output
// function, so every engine dump holding the engine lock looked like the
// lock held across an allocation, and every run_job taking that lock like
// an inversion.
// TIDY-CONFIG: rules/scoped-facts.clang-tidy
#include <drm/gpu_scheduler.h>
#include <linux/mutex.h>
#include <linux/slab.h>

struct drv_printer {
  void (*printfn)(struct drv_printer *p, const char *s);
};

static void drv_printfn_error(struct drv_printer *p, const char *s) {
  void *copy = kmalloc(64, GFP_KERNEL);
  kfree(copy);
}

static void drv_printfn_log(struct drv_printer *p, const char *s) {}

void drv_printf(struct drv_printer *p, const char *s) { p->printfn(p, s); }

void drv_err_print(const char *s) {
  struct drv_printer p = {.printfn = drv_printfn_error};
  drv_printf(&p, s);
}

struct drv_engine {
  struct mutex lock;
  struct mutex stats_lock;
};

// Prints under the engine lock, never with the error printer.
void drv_engine_dump(struct drv_engine *e, struct drv_printer *p) {
  mutex_lock(&e->lock);
  drv_printf(p, "engine");
  mutex_unlock(&e->lock);
}

void drv_debug_dump(struct drv_engine *e) {
  struct drv_printer p = {.printfn = drv_printfn_log};
  drv_engine_dump(e, &p);
}

// The error-state formatter does print with it, under the stats lock.
void drv_stats_print(struct drv_engine *e) {
  mutex_lock(&e->stats_lock);
  drv_err_print("stats");
  mutex_unlock(&e->stats_lock);
}

static struct drv_engine drv_engine;

static struct dma_fence *drv_run_job(struct drm_sched_job *job) {
  mutex_lock(&drv_engine.lock);
  mutex_unlock(&drv_engine.lock);
  mutex_lock(&drv_engine.stats_lock);
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: lock 'drv_engine.stats_lock' taken by 'mutex_lock' on a dma-fence signalling path is held elsewhere across an allocation that may enter reclaim; the two can deadlock [fence-signalling-lock-inversion]
  mutex_unlock(&drv_engine.stats_lock);
  return NULL;
}

static const struct drm_sched_backend_ops drv_sched_ops = {
    .run_job = drv_run_job,
};
