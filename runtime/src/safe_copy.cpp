#include "safe_copy.h"

#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace fencedep::runtime {

bool safe_read(void *dst, const void *src, size_t n) {
  static std::atomic<bool> unsupported{false};
  if (n == 0)
    return true;
  if (!src || unsupported.load(std::memory_order_relaxed))
    return false;
  struct iovec local = {dst, n};
  struct iovec remote = {const_cast<void *>(src), n};
  // The raw syscall: nothing here may be intercepted.
  long got = syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL);
  if (got == long(n))
    return true;
  if (got < 0 && (errno == ENOSYS || errno == EPERM))
    unsupported.store(true, std::memory_order_relaxed);
  return false;
}

} // namespace fencedep::runtime
