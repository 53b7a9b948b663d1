// fork, exec and _exit: the child starts its own reports under its own pid;
// pending reports are printed before the image is replaced or the process
// ends without running atexit handlers.
#include <unistd.h>

#include "hooks_common.h"

using namespace fencedep;
using namespace fencedep::runtime;

namespace fencedep::runtime {
void reset_thread_hooks_after_fork();
}

extern "C" {

pid_t fork(void) {
  HookScope h;
  if (!h.active())
    return REAL(fork)();
  flush_reports();
  pid_t pid = REAL(fork)();
  if (pid == 0) {
    on_fork_child();
    reset_thread_hooks_after_fork();
  }
  return pid;
}

int execve(const char *path, char *const argv[], char *const envp[]) {
  {
    HookScope h;
    if (h.active())
      flush_reports();
  }
  return REAL(execve)(path, argv, envp);
}

void _exit(int status) {
  // A process ending through _exit skips atexit: finish here so that its
  // reports and exit status are not lost. A vfork child (its pid differs
  // from the one fork or init recorded) shares its parent's memory and must
  // leave the parent's state alone.
  if (uint32_t(getpid()) == rt.pid)
    finish_process();
  REAL(_exit)(status);
  __builtin_unreachable();
}

} // extern "C"
