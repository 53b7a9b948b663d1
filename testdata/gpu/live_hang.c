// A child process hangs for real, and the runtime's watchdog
// (hang_timeout=1) prints the live wait-for graph, once: one thread waits,
// holding ring_lock, for a timeline point to be submitted; the thread that
// would submit it (and that signalled the timeline last) blocks on
// ring_lock. The parent copies the child's stderr to its own for FileCheck
// until two seconds after the report (long enough for a repeat to show),
// and kills the child.
//
// RUN-OPTIONS: hang_timeout=1:json=%t.json
// EXPECT-EXIT: 0
// OUTPUT-FILE: JSON %t.json
// CHECK: WARNING: threads blocked: live wait-for graph
// CHECK-NEXT: fencedep: live-hang in pid [[CHILD:[0-9]+]], thread [[WAITER:[0-9]+]] (live_hang.bin)
// CHECK: 2 threads blocked:
// CHECK: thread [[WAITER]] blocked for {{[0-9]+}} ms at waiter live_hang.c:{{[0-9]+:[0-9]+}}:
// CHECK-NEXT: waiting for submission of syncobj live_hang.c:{{[0-9]+:[0-9]+}} in hang (instance 0x{{[0-9a-f]+}}), last signalled by thread [[SUBMITTER:[0-9]+]]
// CHECK-NEXT: holding:
// CHECK-NEXT: #0: (ring_lock), at: waiter live_hang.c:{{[0-9]+:[0-9]+}}
// CHECK: thread [[SUBMITTER]] blocked for {{[0-9]+}} ms at submitter live_hang.c:{{[0-9]+:[0-9]+}}:
// CHECK-NEXT: acquiring ring_lock (instance 0x{{[0-9a-f]+}}), held by thread [[WAITER]]
// CHECK-NEXT: holding nothing
// CHECK: wait-for graph:
// CHECK: threads {{[0-9]+ -> [0-9]+ -> [0-9]+}} wait for each other: deadlock
// CHECK: SUMMARY: fencedep: live-hang thread [[WAITER]] waiting for submission of syncobj live_hang.c:{{[0-9]+:[0-9]+}} in hang, thread [[SUBMITTER]] acquiring ring_lock (pid [[CHILD]])
// CHECK-NOT: WARNING
// JSON: "kind":"live-hang"
// JSON-SAME: "threads":[{"tid":{{[0-9]+}},"blocked_ms":{{[0-9]+}},"wait_all":true,
// JSON-SAME: "how":"wait-for-submit"
// JSON-SAME: "how":"acquire"
// JSON-NOT: "kind"
#include "gpu_scenario.h"

#include <signal.h>
#include <sys/wait.h>

static pthread_mutex_t ring_lock;
static int drm_fd;
static uint32_t timeline;
static atomic_int lock_taken;

static void *waiter(void *arg) {
  CHECK_PT(pthread_mutex_lock(&ring_lock));
  set_flag(&lock_taken, 1);
  /* Point 2 needs the submitter, which needs ring_lock: never returns. */
  struct drm_syncobj_timeline_wait w = {(uint64_t)(uintptr_t)&timeline, 0, INT64_MAX, 1,
                                        DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, 0, 0, 0};
  uint64_t point = 2;
  w.points = (uint64_t)(uintptr_t)&point;
  ioctl(drm_fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
  CHECK_PT(pthread_mutex_unlock(&ring_lock));
  return NULL;
}

static void *submitter(void *arg) {
  timeline_signal(drm_fd, timeline, 1);
  await_flag(&lock_taken, 1);
  usleep(100000); /* the waiter is blocked first: the report lists it first */
  CHECK_PT(pthread_mutex_lock(&ring_lock));
  timeline_signal(drm_fd, timeline, 2);
  CHECK_PT(pthread_mutex_unlock(&ring_lock));
  return NULL;
}

static void hang(void) {
  CHECK_PT(pthread_mutex_init(&ring_lock, NULL));
  fencedep_set_class(&ring_lock, "ring_lock");
  drm_fd = open_render_node();
  timeline = SYNCOBJ_CREATE(drm_fd, 0);
  pthread_t s, w;
  CHECK_PT(pthread_create(&s, NULL, submitter, NULL));
  CHECK_PT(pthread_create(&w, NULL, waiter, NULL));
  for (;;)
    pause();
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Copies the child's stderr to ours until its live-hang report is complete,
 * then for two timeouts more (a second report of the same hang would show),
 * or until the child ends, or 15 s pass. True when the report was seen. */
static int relay_report(int from) {
  static char buf[1 << 16];
  size_t used = 0;
  double start = seconds(), seen_at = 0;
  while (seconds() - start < 15 && (!seen_at || seconds() - seen_at < 2)) {
    struct pollfd p = {from, POLLIN, 0};
    if (poll(&p, 1, 100) != 1)
      continue;
    ssize_t n = read(from, buf + used, sizeof buf - 1 - used);
    if (n <= 0)
      break;
    fwrite(buf + used, 1, (size_t)n, stderr);
    used += (size_t)n;
    buf[used] = 0;
    char *summary = strstr(buf, "SUMMARY: fencedep: live-hang");
    if (!seen_at && summary && strstr(summary, "\n======"))
      seen_at = seconds();
    if (used == sizeof buf - 1)
      break;
  }
  return seen_at != 0;
}

int main(void) {
  int pipefd[2];
  CHECK_OK(pipe(pipefd));
  pid_t child = fork();
  CHECK_OK(child);
  if (child == 0) {
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    hang();
  }
  close(pipefd[1]);
  /* Without the runtime nothing reports: the hang is simply ended. */
  int seen = fencedep_report_count() < 0 ? (usleep(200000), 1) : relay_report(pipefd[0]);
  kill(child, SIGKILL);
  int status;
  CHECK_OK(waitpid(child, &status, 0));
  fflush(stderr);
  return seen ? 0 : 1;
}
