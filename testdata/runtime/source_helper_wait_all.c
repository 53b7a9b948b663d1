// A program with debug info: the runtime keys its creation sites by source
// chain through a helper process (docs/model.md, "Inlined copies"). The
// program must never see that helper: it reaps every child it has with a
// wait() loop that only ends on ECHILD (it would hang, were the helper its
// child), and a forked child that makes and uses locks at new sites asks
// its own helper, not the parent's (their answers would interleave).
//
// EXPECT-EXIT: 0
// CHECK-NOT: WARNING
// CHECK-NOT: scenario error
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

static pthread_mutex_t made_in_parent, made_in_child, also_in_child;

int main(void) {
  CHECK_PT(pthread_mutex_init(&made_in_parent, NULL));
  CHECK_PT(pthread_mutex_lock(&made_in_parent));
  CHECK_PT(pthread_mutex_unlock(&made_in_parent));
  pid_t pid = fork();
  if (pid < 0)
    scenario_fail("fork", errno);
  if (pid == 0) {
    CHECK_PT(pthread_mutex_init(&made_in_child, NULL));
    CHECK_PT(pthread_mutex_init(&also_in_child, NULL));
    CHECK_PT(pthread_mutex_lock(&made_in_child));
    CHECK_PT(pthread_mutex_lock(&also_in_child));
    CHECK_PT(pthread_mutex_unlock(&also_in_child));
    CHECK_PT(pthread_mutex_unlock(&made_in_child));
    _exit(0);
  }
  int reaped = 0, status = 0;
  pid_t w;
  while ((w = wait(&status)) > 0) {
    if (w != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "scenario error: reaped %d (status %d), not the child %d\n", (int)w,
              status, (int)pid);
      return 2;
    }
    ++reaped;
  }
  if (errno != ECHILD || reaped != 1) {
    fprintf(stderr, "scenario error: wait loop ended with %s after %d children\n",
            strerror(errno), reaped);
    return 2;
  }
  return 0;
}
