/*
 * A vfork child shares its parent's memory until it execs or calls _exit.
 * When its exec fails and it calls _exit(127), the runtime must leave the
 * parent's state alone: the child's status stays 127 even though the parent
 * has printed a report (and so exits with 66 itself).
 */
// EXPECT-EXIT: 66
// CHECK: SUMMARY: fencedep: lock-order
// CHECK: vfork child exited with 127
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abba.h"

int main(void) {
  run_abba();
  pid_t pid = vfork();
  if (pid == 0) {
    execl("/nonexistent/fencedep-test-program", "x", (char *)NULL);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  fprintf(stderr, "vfork child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
