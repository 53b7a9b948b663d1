/*
 * For scenarios that hang for real, to show what the runtime's watchdog
 * (hang_timeout) prints: the hang runs in a child process whose stderr the
 * parent copies to its own until the child's live-hang report is complete
 * and two seconds more (a repeat of the report would show), then kills it.
 * Without the runtime (fencedep_report_count() < 0) the child is killed at
 * once. The parent's exit status is 0 when a report was seen (or none was
 * expected), 1 otherwise: CI never waits on a hang.
 */
#ifndef FENCEDEP_TESTDATA_HANG_SCENARIO_H
#define FENCEDEP_TESTDATA_HANG_SCENARIO_H

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario.h"

static double hang_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Copies `from` to stderr until a live-hang report has ended and two
 * seconds more, the child ends, or 15 s pass. True when a report was seen. */
static int hang_relay(int from) {
  static char buf[1 << 16];
  size_t used = 0;
  double start = hang_seconds(), seen_at = 0;
  while (hang_seconds() - start < 15 && (!seen_at || hang_seconds() - seen_at < 2)) {
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
      seen_at = hang_seconds();
    if (used == sizeof buf - 1)
      break;
  }
  return seen_at != 0;
}

/* Runs `hang` (which never returns) in a child and relays its report. */
static int run_hanging(void (*hang)(void)) {
  int pipefd[2];
  CHECK_OK(pipe(pipefd));
  pid_t child = fork();
  CHECK_OK(child);
  if (child == 0) {
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    close(pipefd[1]);
    hang();
    _exit(3);
  }
  close(pipefd[1]);
  int seen = fencedep_report_count() < 0 ? (usleep(200000), 1) : hang_relay(pipefd[0]);
  kill(child, SIGKILL);
  int status;
  CHECK_OK(waitpid(child, &status, 0));
  fflush(stderr);
  return seen ? 0 : 1;
}

#endif /* FENCEDEP_TESTDATA_HANG_SCENARIO_H */
