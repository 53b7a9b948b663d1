// The rest of the syncobj and sync_file interface, through the runtime and
// the fake render node, checked for what the calls answer: nothing may be
// reported, and every answer must be the kernel's.
//
// - a wait for any of two syncobjs returns the signalled one's index
//   (first_signaled), and a wait that nobody signals times out (-ETIME)
//   after really blocking;
// - without WAIT_FOR_SUBMIT a wait on a syncobj with no fence is -EINVAL,
//   also after RESET;
// - TRANSFER of an unsignalled "GPU" fence to a timeline point: the point
//   completes when the fence does; QUERY reports the timeline's points;
// - a sync_file imported into another syncobj; FILE_INFO on a merge;
// - a syncobj eventfd registered with WAIT_AVAILABLE fires on submission.
//
// EXPECT-EXIT: 0
// CHECK: syncobj_semantics: ok
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

#include <sys/eventfd.h>

static int fd;

static void expect(int cond, const char *what) {
  if (!cond) {
    fprintf(stderr, "syncobj_semantics: %s (errno %d: %s)\n", what, errno, strerror(errno));
    exit(1);
  }
}

static void fake_job(unsigned long req, uint32_t handle, uint64_t point) {
  struct fake_job j = {handle, 0, point};
  expect(drm_ioctl(fd, req, &j) == 0, "fake job");
}

static int wait_any(uint32_t *handles, uint32_t n, int64_t ms, uint32_t *first) {
  struct drm_syncobj_wait w = {(uint64_t)(uintptr_t)handles, deadline_ms(ms), n, 0, 0, 0, 0};
  int r = drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
  *first = w.first_signaled;
  return r;
}

int main(void) {
  fd = open_render_node();
  uint32_t a = SYNCOBJ_CREATE(fd, 0);
  uint32_t b = SYNCOBJ_CREATE(fd, 0);
  uint32_t both[2] = {a, b};
  uint32_t first = 99;

  /* No fence yet, no WAIT_FOR_SUBMIT: refused. */
  expect(wait_any(both, 2, 100, &first) == -1 && errno == EINVAL, "wait without fence");
  /* A GPU job on each; only b completes: any-wait returns index 1. */
  fake_job(FAKE_IOCTL_SUBMIT, a, 0);
  fake_job(FAKE_IOCTL_SUBMIT, b, 0);
  fake_job(FAKE_IOCTL_COMPLETE, b, 0);
  expect(wait_any(both, 2, 1000, &first) == 0 && first == 1, "first_signaled");
  /* a's job never completes: a real 100 ms block, then -ETIME. */
  int64_t t0 = deadline_ms(0);
  expect(wait_any(&a, 1, 100, &first) == -1 && errno == ETIME, "timeout");
  expect(deadline_ms(0) - t0 >= 90000000, "the timed-out wait blocked");

  /* a's pending fence moves to point 5 of a timeline. */
  uint32_t tl = SYNCOBJ_CREATE(fd, 0);
  struct drm_syncobj_transfer t = {a, tl, 0, 5, 0, 0};
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &t) == 0, "transfer");
  uint64_t point = 0;
  struct drm_syncobj_timeline_array q = {(uint64_t)(uintptr_t)&tl, (uint64_t)(uintptr_t)&point,
                                         1, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED};
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q) == 0 && point == 5, "query submitted");
  q.flags = 0;
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q) == 0 && point == 4, "query signalled");
  fake_job(FAKE_IOCTL_COMPLETE, a, 0);
  timeline_wait(fd, tl, 5, 0);
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q) == 0 && point == 5, "query after");

  /* RESET drops the fence: refused again without WAIT_FOR_SUBMIT. */
  struct drm_syncobj_array r = {(uint64_t)(uintptr_t)&b, 1, 0};
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_RESET, &r) == 0, "reset");
  expect(wait_any(&b, 1, 100, &first) == -1 && errno == EINVAL, "wait after reset");

  /* A sync_file of a pending point, imported into b: b completes with it. */
  fake_job(FAKE_IOCTL_SUBMIT, tl, 6);
  int sf = export_sync_file(fd, tl, 6);
  struct drm_syncobj_handle imp = {b, DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE, sf, 0, 0};
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp) == 0, "import sync_file");
  struct pollfd p = {sf, POLLIN, 0};
  expect(poll(&p, 1, 0) == 0, "pending sync_file not readable");
  int other = export_sync_file(fd, tl, 5);
  int merged = SYNC_FILE_MERGE(sf, other);
  struct sync_file_info info = {0};
  expect(ioctl(merged, SYNC_IOC_FILE_INFO, &info) == 0 && info.num_fences == 2 &&
             info.status == 0,
         "file info of a pending merge");
  fake_job(FAKE_IOCTL_COMPLETE, tl, 6);
  poll_in(merged);
  syncobj_wait(fd, b, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  struct sync_fence_info fences[2];
  info = (struct sync_file_info){.num_fences = 2, .sync_fence_info = (uint64_t)(uintptr_t)fences};
  expect(ioctl(merged, SYNC_IOC_FILE_INFO, &info) == 0 && info.status == 1 &&
             fences[0].status == 1 && fences[1].status == 1,
         "file info");

  /* An eventfd that fires when point 7 is submitted, not signalled. */
  int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct drm_syncobj_eventfd e = {tl, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, 7, efd, 0};
  expect(drm_ioctl(fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &e) == 0, "eventfd");
  uint64_t v;
  expect(read(efd, &v, sizeof v) == -1 && errno == EAGAIN, "eventfd early");
  fake_job(FAKE_IOCTL_SUBMIT, tl, 7);
  expect(read(efd, &v, sizeof v) == sizeof v, "eventfd on submission");

  close(efd);
  close(merged);
  close(other);
  close(sf);
  close(fd);
  fprintf(stderr, "syncobj_semantics: ok\n");
  return 0;
}
