/*
 * Two processes share a syncobj and a process-shared lock; the deadlock
 * needs both. Process A creates the syncobj, passes it to process B (a
 * fresh image of this program: fork + exec) over a unix socket
 * (SCM_RIGHTS), and later waits on it while holding ring_lock; B signals
 * the syncobj while holding ring_lock. Each process's trace alone holds
 * one edge of the cycle (A: ring_lock -> syncobj, B: syncobj -> ring_lock);
 * `fencedep analyze A.trace B.trace` sees it, because the syncobj keeps
 * its class (A's creation site) in B.
 *
 * Sequencing (no real deadlock): B signals and says so over the socket
 * before A takes the lock and waits; A's wait returns at once.
 *
 *   usage: cross_process                      (A)
 *          cross_process --peer SOCKET RING   (B, started by A)
 *
 * Driven by cross_process.sh; exit 0 when both sides ran.
 */
#include "gpu_scenario.h"

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

struct ring {
  pthread_mutex_t lock; /* shared by both processes */
  int frames;
};

static struct ring *map_ring(int fd) {
  struct ring *r = mmap(NULL, sizeof *r, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (r == MAP_FAILED)
    scenario_fail("mmap of the shared ring", errno);
  /* One name in both processes: the lock is one object, one class. */
  fencedep_set_class(&r->lock, "ring_lock");
  return r;
}

static void send_fd(int sock, int fd) {
  char byte = 'F';
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control.buf;
  m.msg_controllen = sizeof control.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(sock, &m, 0) != 1)
    scenario_fail("sendmsg SCM_RIGHTS", errno);
}

static int recv_fd(int sock) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control.buf;
  m.msg_controllen = sizeof control.buf;
  if (recvmsg(sock, &m, MSG_CMSG_CLOEXEC) != 1)
    scenario_fail("recvmsg SCM_RIGHTS", errno);
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS)
    scenario_fail("recvmsg: no fd", EPROTO);
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

static int peer(int sock, int ring_fd) {
  struct ring *ring = map_ring(ring_fd);
  int drm = open_render_node();
  int syncobj_fd = recv_fd(sock);
  uint32_t frame_done = import_syncobj(drm, syncobj_fd);
  CHECK_PT(pthread_mutex_lock(&ring->lock));
  ring->frames++;
  syncobj_signal(drm, frame_done);
  CHECK_PT(pthread_mutex_unlock(&ring->lock));
  char done = 'D';
  if (write(sock, &done, 1) != 1)
    scenario_fail("write to A", errno);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--peer") == 0)
    return peer(atoi(argv[2]), atoi(argv[3]));

  int ring_fd = memfd_create("ring", 0);
  CHECK_OK(ring_fd);
  CHECK_OK(ftruncate(ring_fd, sizeof(struct ring)));
  struct ring *ring = map_ring(ring_fd);
  pthread_mutexattr_t attr;
  CHECK_PT(pthread_mutexattr_init(&attr));
  CHECK_PT(pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED));
  CHECK_PT(pthread_mutex_init(&ring->lock, &attr));

  int drm = open_render_node();
  uint32_t frame_done = SYNCOBJ_CREATE(drm, 0);

  int sv[2];
  CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv));
  pid_t b = fork();
  CHECK_OK(b);
  if (b == 0) {
    char sock[16], ringfd[16];
    snprintf(sock, sizeof sock, "%d", sv[1]);
    snprintf(ringfd, sizeof ringfd, "%d", ring_fd);
    execl("/proc/self/exe", argv[0], "--peer", sock, ringfd, (char *)NULL);
    scenario_fail("exec of the peer", errno);
  }
  close(sv[1]);
  send_fd(sv[0], export_syncobj(drm, frame_done));
  char done;
  if (read(sv[0], &done, 1) != 1)
    scenario_fail("read from B", errno);

  CHECK_PT(pthread_mutex_lock(&ring->lock));
  syncobj_wait(drm, frame_done, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL);
  CHECK_PT(pthread_mutex_unlock(&ring->lock));

  int status;
  CHECK_OK(waitpid(b, &status, 0));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    scenario_fail("peer failed", EPROTO);
  printf("cross_process: %d frame(s) shared\n", ring->frames);
  return 0;
}
