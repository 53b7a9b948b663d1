// Power management: one lock, taken on the signalling path (drv_pm_busy,
// from run_job in sched.c) and held across a fence wait (drv_pm_suspend,
// which waits in ring.c).
#include "drv.h"

DEFINE_MUTEX(drv_pm_lock);
static int busy;

void drv_pm_busy(void) {
  mutex_lock(&drv_pm_lock);
  busy++;
  mutex_unlock(&drv_pm_lock);
}

void drv_pm_suspend(struct drv_ring *ring) {
  mutex_lock(&drv_pm_lock);
  drv_ring_wait_idle(ring);
  mutex_unlock(&drv_pm_lock);
}
