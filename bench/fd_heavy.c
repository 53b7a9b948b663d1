/* A poll/read-heavy program on plain pipes, for measuring what the
 * runtime's fd hooks (read, write, poll, ioctl) cost on descriptors that
 * are not fences: nothing, they should.
 *
 * One thread, ITERS rounds of: write a byte to a pipe, poll the other end
 * for POLLIN (with a timeout, so the call could block), ioctl(FIONREAD) on
 * it, read the byte back. Then two threads ping-pong ITERS/4 bytes over a
 * pair of pipes with blocking polls.
 *
 *   usage: fd_heavy [ITERS]     default 1000000
 *
 * Prints the wall and CPU (user + system) seconds of each phase to stdout:
 * loop_seconds, loop_cpu, pingpong_seconds, pingpong_cpu. CPU time is what
 * hooks add to; wall time on a shared machine mostly measures the others.
 * Exit status 0 on success. Plain C and pthreads, so that it runs natively and under
 * LD_PRELOAD=libfencedep.so alike.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

static void die(const char *what) {
  fprintf(stderr, "fd_heavy: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void wait_readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, 5000) != 1)
    die("poll");
}

static long rounds;
static int ping[2], pong[2];

static void *ponger(void *arg) {
  char c;
  for (long i = 0; i < rounds; ++i) {
    wait_readable(ping[0]);
    if (read(ping[0], &c, 1) != 1 || write(pong[1], &c, 1) != 1)
      die("ponger");
  }
  return arg;
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 1000000;
  int p[2];
  if (pipe(p) != 0 || pipe(ping) != 0 || pipe(pong) != 0)
    die("pipe");

  double t0 = now(), c0 = cpu();
  char c = 'x';
  for (long i = 0; i < iters; ++i) {
    int n = 0;
    if (write(p[1], &c, 1) != 1)
      die("write");
    wait_readable(p[0]);
    if (ioctl(p[0], FIONREAD, &n) != 0 || n != 1)
      die("ioctl FIONREAD");
    if (read(p[0], &c, 1) != 1)
      die("read");
  }
  double loop = now() - t0, loop_cpu = cpu() - c0;

  rounds = iters / 4;
  pthread_t t;
  t0 = now();
  c0 = cpu();
  if (pthread_create(&t, NULL, ponger, NULL) != 0)
    die("pthread_create");
  for (long i = 0; i < rounds; ++i) {
    if (write(ping[1], &c, 1) != 1)
      die("pinger write");
    wait_readable(pong[0]);
    if (read(pong[0], &c, 1) != 1)
      die("pinger read");
  }
  pthread_join(t, NULL);
  double pingpong = now() - t0, pingpong_cpu = cpu() - c0;
  printf("loop_seconds=%.4f loop_cpu=%.4f pingpong_seconds=%.4f pingpong_cpu=%.4f\n", loop,
         loop_cpu, pingpong, pingpong_cpu);
  return 0;
}
