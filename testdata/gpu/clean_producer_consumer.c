// A clean pipeline: a producer puts frames on a timeline syncobj, a
// consumer waits for each frame and takes it. Both take the queue lock,
// never across a wait or a signal, so nothing may be reported.
//
// The consumer is usually ahead and really blocks, through each path the
// runtime models: TIMELINE_WAIT with WAIT_FOR_SUBMIT, read() of a syncobj
// eventfd (DRM_IOCTL_SYNCOBJ_EVENTFD), and epoll_wait on a sync_file
// exported from a point the "GPU" (the fake render node's FAKE_IOCTL_SUBMIT
// and FAKE_IOCTL_COMPLETE, driver ioctls the runtime passes through)
// completes later.
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

enum { kFrames = 30 };

static pthread_mutex_t queue_lock;
static int drm_fd;
static uint32_t frames;
static int queue[kFrames + 1];
static int queued;

static void fake_job(unsigned long req, uint64_t point) {
  struct fake_job j = {frames, 0, point};
  if (drm_ioctl(drm_fd, req, &j) != 0)
    scenario_fail("fake render node job", errno);
}

static void *producer(void *arg) {
  for (int i = 1; i <= kFrames; ++i) {
    usleep(1000);
    CHECK_PT(pthread_mutex_lock(&queue_lock));
    queue[queued++] = i;
    CHECK_PT(pthread_mutex_unlock(&queue_lock));
    if (i % 3 == 2) {
      /* Rendered on the "GPU": submitted now, complete a little later. */
      fake_job(FAKE_IOCTL_SUBMIT, (uint64_t)i);
      usleep(2000);
      fake_job(FAKE_IOCTL_COMPLETE, (uint64_t)i);
    } else {
      timeline_signal(drm_fd, frames, (uint64_t)i);
    }
  }
  return NULL;
}

static void wait_frame(int i, int epfd) {
  if (i % 3 == 0) {
    timeline_wait(drm_fd, frames, (uint64_t)i, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);
  } else if (i % 3 == 1) {
    int efd = eventfd(0, EFD_CLOEXEC);
    CHECK_OK(efd);
    struct drm_syncobj_eventfd e = {frames, 0, (uint64_t)i, efd, 0};
    CHECK_OK(drm_ioctl(drm_fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &e));
    uint64_t v;
    if (read(efd, &v, sizeof v) != sizeof v)
      scenario_fail("read of a syncobj eventfd", errno);
    close(efd);
  } else {
    timeline_wait(drm_fd, frames, (uint64_t)i, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE);
    int sf = export_sync_file(drm_fd, frames, (uint64_t)i);
    struct epoll_event ev = {EPOLLIN, {.fd = sf}};
    CHECK_OK(epoll_ctl(epfd, EPOLL_CTL_ADD, sf, &ev));
    struct epoll_event out;
    if (epoll_wait(epfd, &out, 1, 5000) != 1)
      scenario_fail("epoll_wait on a sync_file", ETIMEDOUT);
    CHECK_OK(epoll_ctl(epfd, EPOLL_CTL_DEL, sf, NULL));
    close(sf);
  }
}

static void *consumer(void *arg) {
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  CHECK_OK(epfd);
  for (int i = 1; i <= kFrames; ++i) {
    wait_frame(i, epfd);
    CHECK_PT(pthread_mutex_lock(&queue_lock));
    if (queued < i)
      scenario_fail("frame signalled before it was queued", EPROTO);
    CHECK_PT(pthread_mutex_unlock(&queue_lock));
  }
  close(epfd);
  return NULL;
}

int main(void) {
  CHECK_PT(pthread_mutex_init(&queue_lock, NULL));
  drm_fd = open_render_node();
  frames = SYNCOBJ_CREATE(drm_fd, 0);

  pthread_t p, c;
  CHECK_PT(pthread_create(&c, NULL, consumer, NULL));
  CHECK_PT(pthread_create(&p, NULL, producer, NULL));
  CHECK_PT(pthread_join(p, NULL));
  CHECK_PT(pthread_join(c, NULL));
  close(drm_fd);
  return 0;
}
