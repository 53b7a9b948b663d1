// Whatever a program passes to the calls the runtime models, the runtime
// must neither crash nor change the answer: bad pointers, short or
// oversized counts, unknown requests and non-DRM descriptors all reach the
// real call (here the fake render node, or the kernel) and come back with
// its error. Also: driver ioctls the runtime does not know pass through.
//
// EXPECT-EXIT: 0
// CHECK: malformed_args: {{[0-9]+}} checks passed
// CHECK-NOT: WARNING
#include "gpu_scenario.h"

#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>

static int checks;

#define EXPECT_ERRNO(call, err)                                                  \
  do {                                                                         \
    errno = 0;                                                                 \
    long r_ = (long)(call);                                                    \
    if (r_ != -1 || errno != (err)) {                                          \
      fprintf(stderr, "malformed_args: %s: got %ld errno %d (%s), want %s\n", #call, r_, \
              errno, strerror(errno), strerror(err));                          \
      exit(1);                                                                 \
    }                                                                          \
    ++checks;                                                                  \
  } while (0)

#define EXPECT_OK(call)                                                          \
  do {                                                                         \
    if ((long)(call) < 0) {                                                    \
      fprintf(stderr, "malformed_args: %s failed: %s\n", #call, strerror(errno)); \
      exit(1);                                                                 \
    }                                                                          \
    ++checks;                                                                  \
  } while (0)

static void *const bad = (void *)16; /* never mapped */

int main(void) {
  int fd = open_render_node();
  uint32_t h = SYNCOBJ_CREATE(fd, DRM_SYNCOBJ_CREATE_SIGNALED);

  /* Bad argument pointers, for every request the runtime models. */
  unsigned long requests[] = {
      DRM_IOCTL_SYNCOBJ_CREATE,      DRM_IOCTL_SYNCOBJ_DESTROY,
      DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE,
      DRM_IOCTL_SYNCOBJ_WAIT,        DRM_IOCTL_SYNCOBJ_RESET,
      DRM_IOCTL_SYNCOBJ_SIGNAL,      DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT,
      DRM_IOCTL_SYNCOBJ_QUERY,       DRM_IOCTL_SYNCOBJ_TRANSFER,
      DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, DRM_IOCTL_SYNCOBJ_EVENTFD};
  for (unsigned i = 0; i < sizeof requests / sizeof *requests; ++i) {
    EXPECT_ERRNO(ioctl(fd, requests[i], NULL), EFAULT);
    EXPECT_ERRNO(ioctl(fd, requests[i], bad), EFAULT);
  }

  /* Good structs pointing at bad arrays. */
  struct drm_syncobj_wait w = {(uint64_t)(uintptr_t)bad, deadline_ms(1000), 1,
                               DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, 0, 0, 0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), EFAULT);
  struct drm_syncobj_timeline_wait tw = {(uint64_t)(uintptr_t)&h, (uint64_t)(uintptr_t)bad,
                                         deadline_ms(1000), 1, 0, 0, 0, 0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &tw), EFAULT);
  struct drm_syncobj_array a = {(uint64_t)(uintptr_t)bad, 1, 0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a), EFAULT);
  struct drm_syncobj_timeline_array ta = {(uint64_t)(uintptr_t)&h, (uint64_t)(uintptr_t)bad, 1,
                                          0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &ta), EFAULT);

  /* A huge count over a one-element array: the runtime reads at most what
   * it models and lets the driver refuse the rest. */
  w = (struct drm_syncobj_wait){(uint64_t)(uintptr_t)&h, deadline_ms(1000), 1u << 30,
                                DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, 0, 0, 0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), EINVAL);
  /* A handle that does not exist, and a request whose size field is too
   * small for the struct. */
  uint32_t none = 999;
  w = (struct drm_syncobj_wait){(uint64_t)(uintptr_t)&none, deadline_ms(1000), 1, 0, 0, 0, 0};
  EXPECT_ERRNO(ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w), ENOENT);
  unsigned long tiny = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE, 0xC3, 4);
  EXPECT_ERRNO(ioctl(fd, tiny, &w), EINVAL);

  /* Unknown DRM requests and the fake driver's own pass through. */
  EXPECT_ERRNO(ioctl(fd, _IOWR(DRM_IOCTL_BASE, 0x7e, struct fake_job), &w), EINVAL);
  struct fake_job job = {h, 0, 0};
  EXPECT_OK(ioctl(fd, FAKE_IOCTL_SUBMIT, &job));
  EXPECT_OK(ioctl(fd, FAKE_IOCTL_COMPLETE, &job));
  syncobj_wait(fd, h, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  ++checks;

  /* DRM and sync_file requests on descriptors that are neither. */
  int p[2];
  CHECK_OK(pipe(p));
  EXPECT_ERRNO(ioctl(p[0], DRM_IOCTL_SYNCOBJ_WAIT, &w), ENOTTY);
  EXPECT_ERRNO(ioctl(p[0], SYNC_IOC_MERGE, bad), ENOTTY);
  int sf = export_sync_file(fd, h, 0);
  EXPECT_ERRNO(ioctl(sf, SYNC_IOC_MERGE, NULL), EFAULT);
  EXPECT_ERRNO(ioctl(sf, SYNC_IOC_FILE_INFO, bad), EFAULT);

  /* The process now has fence fds: poll, select, epoll and sendmsg look at
   * their arguments. Bad ones must still be the kernel's to refuse. */
  EXPECT_ERRNO(poll(bad, 1, 10), EFAULT);
  EXPECT_ERRNO(ppoll(bad, 1, NULL, NULL), EFAULT);
  EXPECT_ERRNO(select(8, bad, NULL, NULL, NULL), EFAULT);
  /* (No bad timeval: glibc's select converts it itself and would fault
   * without any runtime.) */
  int ep = epoll_create1(EPOLL_CLOEXEC);
  EXPECT_ERRNO(epoll_ctl(ep, EPOLL_CTL_ADD, sf, bad), EFAULT);
  struct epoll_event ev = {EPOLLIN, {.fd = sf}};
  EXPECT_OK(epoll_ctl(ep, EPOLL_CTL_ADD, sf, &ev));
  EXPECT_ERRNO(epoll_wait(ep, bad, 1, 1000), EFAULT);
  int sv[2];
  CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  EXPECT_ERRNO(sendmsg(sv[0], bad, 0), EFAULT);
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = bad;
  m.msg_controllen = CMSG_SPACE(sizeof(int));
  EXPECT_ERRNO(sendmsg(sv[0], &m, 0), EFAULT);
  EXPECT_ERRNO(recvmsg(sv[1], bad, MSG_DONTWAIT), EFAULT);

  fprintf(stderr, "malformed_args: %d checks passed\n", checks);
  return 0;
}
