// A thread waits for a timeline point that nobody has submitted yet
// (DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT with WAIT_FOR_SUBMIT) while holding a
// lock that the submitting thread takes before it submits the point: if
// the waiter gets there first, the submission never comes. The wait edge
// is marked wait-for-submit.
//
// Sequencing (no real deadlock): the submitter takes and drops the lock,
// then submits (and signals) point 1 from the host; only then does the
// waiter take the lock and wait for point 1, which returns at once.
//
// EXPECT-EXIT: 66
// CHECK: WARNING: possible circular wait dependency detected
// CHECK: (submit_lock) -> (syncobj timeline_wait_for_submit.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}): wait-for-submit, first seen
// CHECK: (syncobj timeline_wait_for_submit.c:{{[0-9]+:[0-9]+ in [a-z_0-9]+}}) -> (submit_lock): signal, first seen
// CHECK: SUMMARY: fencedep: wait-cycle {{(submit_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> submit_lock|syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+ -> submit_lock -> syncobj [^ ]+:[0-9]+:[0-9]+ in [a-z_0-9]+)}} (pid {{[0-9]+}})
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

static pthread_mutex_t submit_lock;
static int drm_fd;
static uint32_t timeline;
static atomic_int submitted;

static void *submitter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  /* ... builds the job under the lock ... */
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  timeline_signal(drm_fd, timeline, 1);
  set_flag(&submitted, 1);
  return NULL;
}

static void *waiter(void *arg) {
  await_flag(&submitted, 1);
  CHECK_PT(pthread_mutex_lock(&submit_lock));
  timeline_wait(drm_fd, timeline, 1,
                DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
  CHECK_PT(pthread_mutex_unlock(&submit_lock));
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&submit_lock, NULL));
  fencedep_set_class(&submit_lock, "submit_lock");
  drm_fd = open_render_node();
  timeline = SYNCOBJ_CREATE(drm_fd, 0);

  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  CHECK_PT(pthread_join(w, NULL));
  CHECK_PT(pthread_join(s, NULL));
  return 0;
}
