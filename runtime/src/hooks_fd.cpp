// eventfd: a read on a blocking eventfd is a wait, a write is a signal (a
// syncobj eventfd's read waits on its syncobj point: fence_objects.h).
// read/write/close of every other descriptor cost one table load.
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>

#include "fence_objects.h"
#include "hooks_common.h"

extern "C" [[noreturn]] void __chk_fail(void);

using namespace fencedep;
using namespace fencedep::runtime;

static bool would_block(int fd, bool created_nonblocking) {
  if (created_nonblocking)
    return false;
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && !(fl & O_NONBLOCK);
}

static const void *fd_object(int fd) { return reinterpret_cast<const void *>(uint64_t(fd) + 1); }

extern "C" {

int eventfd(unsigned initval, int flags) {
  uint64_t pc = FENCEDEP_CALLER_PC();
  int fd = REAL(eventfd)(initval, flags);
  HookScope h;
  if (h.active() && fd >= 0) {
    rt.resolver.bind_fd(fd, rt.resolver.site_class(ClassKind::EventFd, pc),
                        flags & EFD_NONBLOCK);
    fence_objects.count_tracked();
  }
  return fd;
}

// Out of line: the read hook's fast path stays a load and a compare.
__attribute__((noinline)) static ssize_t hooked_read(int fd, void *buf, size_t n, bool nb,
                                                     uint64_t pc) {
  HookScope h;
  FdWait w;
  if (!h.active() || !would_block(fd, nb) || !fence_objects.fd_wait(fd, &w))
    return REAL(read)(fd, buf, n);
  const void *obj = reinterpret_cast<const void *>(w.instance);
  wait_before(h, w.cls, obj, nullptr, pc, w.kind, w.live_key);
  ssize_t r = REAL(read)(fd, buf, n);
  int err = errno;
  wait_after(h, w.cls, obj, w.one_shot && r > 0, pc);
  errno = err;
  return r;
}

ssize_t read(int fd, void *buf, size_t n) {
  bool nb;
  ClassId c = rt.ready.load(std::memory_order_relaxed) ? rt.resolver.fd_class(fd, &nb) : kNoClass;
  if (c == kNoClass)
    return REAL(read)(fd, buf, n);
  return hooked_read(fd, buf, n, nb, FENCEDEP_CALLER_PC());
}

// _FORTIFY_SOURCE builds call this instead of read.
ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) {
  if (n > buflen)
    __chk_fail();
  bool nb;
  ClassId c = rt.ready.load(std::memory_order_relaxed) ? rt.resolver.fd_class(fd, &nb) : kNoClass;
  if (c == kNoClass)
    return REAL(read)(fd, buf, n);
  return hooked_read(fd, buf, n, nb, FENCEDEP_CALLER_PC());
}

__attribute__((noinline)) static void write_signals(int fd, ClassId c, uint64_t pc) {
  HookScope h;
  if (h.active())
    signal(h, c, fd_object(fd), pc);
}

ssize_t write(int fd, const void *buf, size_t n) {
  bool nb;
  ClassId c = rt.ready.load(std::memory_order_relaxed) ? rt.resolver.fd_class(fd, &nb) : kNoClass;
  if (c != kNoClass)
    write_signals(fd, c, FENCEDEP_CALLER_PC());
  return REAL(write)(fd, buf, n);
}

int eventfd_read(int fd, eventfd_t *value) {
  // glibc implements this with an internal read the read hook never sees.
  return read(fd, value, sizeof *value) == sizeof *value ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value) {
  return write(fd, &value, sizeof value) == sizeof value ? 0 : -1;
}

int close(int fd) {
  if (rt.ready.load(std::memory_order_relaxed)) {
    rt.resolver.forget_fd(fd);
    fence_objects.forget_fd(fd);
    epoll_forget(fd);
  }
  return REAL(close)(fd);
}

} // extern "C"
