// eventfd: a read on a blocking eventfd is a wait, a write is a signal.
// read/write/close of every other descriptor cost one table load.
#include <fcntl.h>
#include <sys/eventfd.h>

#include "hooks_common.h"

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
  if (h.active() && fd >= 0)
    rt.resolver.bind_fd(fd, rt.resolver.site_class(ClassKind::EventFd, pc),
                        flags & EFD_NONBLOCK);
  return fd;
}

ssize_t read(int fd, void *buf, size_t n) {
  bool nb;
  ClassId c = rt.ready.load(std::memory_order_relaxed) ? rt.resolver.fd_class(fd, &nb) : kNoClass;
  if (c == kNoClass)
    return REAL(read)(fd, buf, n);
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (!h.active() || !would_block(fd, nb))
    return REAL(read)(fd, buf, n);
  wait_before(h, c, fd_object(fd), nullptr, pc);
  ssize_t r = REAL(read)(fd, buf, n);
  wait_after(h, c, fd_object(fd), false, pc);
  return r;
}

ssize_t write(int fd, const void *buf, size_t n) {
  bool nb;
  ClassId c = rt.ready.load(std::memory_order_relaxed) ? rt.resolver.fd_class(fd, &nb) : kNoClass;
  if (c == kNoClass)
    return REAL(write)(fd, buf, n);
  uint64_t pc = FENCEDEP_CALLER_PC();
  HookScope h;
  if (h.active())
    signal(h, c, fd_object(fd), pc);
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
  if (rt.ready.load(std::memory_order_relaxed))
    rt.resolver.forget_fd(fd);
  return REAL(close)(fd);
}

} // extern "C"
