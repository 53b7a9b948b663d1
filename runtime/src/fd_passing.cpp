// Fence fds passed to another process (SCM_RIGHTS) keep their class, so
// that a syncobj created in one process and waited on in another is one
// class in both, live and in merged traces.
//
// The kernel gives the two sides nothing in common to name the file by
// (every syncobj and sync_file fd shares one anonymous inode), and the
// message must reach the host unchanged. So the runtimes meet in a small
// shared registry file (option fd_registry, default
// /dev/shm/fencedep-fds-UID): before sending, the sender publishes the
// classes of the tracked fds of the message under the receiving socket's
// inode (the peer of its own socket, from NETLINK_SOCK_DIAG); after
// receiving, the receiver takes the oldest record for its own socket whose
// fds match what arrived (fd count, and each file's inode and /proc link
// text), and gives each fd the sender's class: same key, same site.
//
// Limits: connected unix sockets only; recvmmsg/sendmmsg are not looked
// at; a receiver that never looks (no runtime) leaves records that expire
// after kExpiry. Programs that never had a fence fd or an eventfd pay one
// load per sendmsg and nothing more.
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "fence_objects.h"
#include "fencedep/core/writer.h"
#include "hooks_common.h"
#include "safe_copy.h"

using namespace fencedep;
using namespace fencedep::runtime;

namespace {

constexpr uint64_t kMagic = 0x53444650454e4546ull; // "FENEPFDS"
constexpr uint32_t kVersion = 1;
constexpr uint32_t kSlots = 256;
constexpr uint32_t kMaxPassed = 8;   // tracked fds described per message
constexpr uint32_t kMaxMsgFds = 253; // SCM_MAX_FD
constexpr uint64_t kExpiry = 600ull * 1000000000ull;

struct PassedFd {
  uint32_t position; // among the message's fds, all cmsgs counted in order
  uint8_t fd_kind;   // FenceFdKind
  uint8_t class_kind;
  uint8_t available;
  uint8_t pad;
  uint32_t class_flags;
  uint64_t class_key;
  uint64_t site_offset;
  uint64_t point;
  uint64_t dev, ino; // the file, to check that the receiver got this one
  char link[48];     // its /proc/self/fd link text ("anon_inode:sync_file")
  char name[64];
  char module[256];
};

enum : uint32_t { kFree, kWriting, kPublished, kReading };

struct Slot {
  std::atomic<uint32_t> state;
  uint32_t nfds; // every fd of the message, tracked or not
  uint32_t npassed;
  uint32_t pad;
  uint64_t receiver_ino;
  uint64_t stamp_ns;
  uint64_t order;
  PassedFd passed[kMaxPassed];
};
static_assert(sizeof(Slot) <= 4096);

struct Registry {
  uint64_t magic;
  uint32_t version;
  uint32_t nslots;
  std::atomic<uint64_t> order;
  uint8_t pad[4096 - 24];
  Slot slots[kSlots];
};

Registry *registry;
SpinLock map_lock;
std::atomic<uint64_t> passes_lost{0};

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

void registry_path(char *out, size_t cap) {
  BufferWriter w(out, cap);
  if (rt.options.fd_registry) {
    w.str(rt.options.fd_registry);
    return;
  }
  struct stat st;
  w.str(stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
  w.str("/fencedep-fds-").dec(getuid());
}

// Maps the registry; creates it when `create`. Null when unavailable.
Registry *map_registry(bool create) {
  if (Registry *r = __atomic_load_n(&registry, __ATOMIC_ACQUIRE))
    return r;
  // A receiver finds no registry until some sender made one: it looks
  // again at most once a second, not on every message with fds.
  static std::atomic<uint64_t> next_look{0};
  uint64_t now = now_ns();
  if (!create && now < next_look.load(std::memory_order_relaxed))
    return nullptr;
  SpinGuard g(map_lock);
  if (registry)
    return registry;
  char path[512];
  registry_path(path, sizeof path);
  int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  if (fd < 0) {
    next_look.store(now + 1000000000ull, std::memory_order_relaxed);
    return nullptr;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 ||
      (st.st_size < off_t(sizeof(Registry)) && ftruncate(fd, sizeof(Registry)) != 0)) {
    REAL(close)(fd);
    return nullptr;
  }
  void *p = mmap(nullptr, sizeof(Registry), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  REAL(close)(fd);
  if (p == MAP_FAILED)
    return nullptr;
  auto *r = static_cast<Registry *>(p);
  // A fresh file is zero: the first process to see it stamps it. Two racing
  // writers write the same values.
  if (r->magic != kMagic) {
    r->version = kVersion;
    r->nslots = kSlots;
    __atomic_store_n(&r->magic, kMagic, __ATOMIC_RELEASE);
  }
  if (r->version != kVersion || r->nslots != kSlots) {
    munmap(p, sizeof(Registry));
    return nullptr;
  }
  __atomic_store_n(&registry, r, __ATOMIC_RELEASE);
  return r;
}

// The inode of the socket at the other end of `sock`, from NETLINK_SOCK_DIAG.
bool unix_peer_ino(int sock, uint64_t *peer) {
  struct stat st;
  if (fstat(sock, &st) != 0 || !S_ISSOCK(st.st_mode))
    return false;
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0)
    return false;
  struct {
    struct nlmsghdr h;
    struct unix_diag_req r;
  } req = {};
  req.h.nlmsg_len = sizeof req;
  req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.r.sdiag_family = AF_UNIX;
  req.r.udiag_states = ~0u;
  req.r.udiag_ino = uint32_t(st.st_ino);
  req.r.udiag_show = UDIAG_SHOW_PEER;
  req.r.udiag_cookie[0] = req.r.udiag_cookie[1] = ~0u;
  struct sockaddr_nl kernel = {};
  kernel.nl_family = AF_NETLINK;
  bool found = false;
  if (sendto(nl, &req, sizeof req, 0, reinterpret_cast<struct sockaddr *>(&kernel),
             sizeof kernel) == ssize_t(sizeof req)) {
    alignas(struct nlmsghdr) char buf[4096];
    ssize_t n = recv(nl, buf, sizeof buf, 0);
    auto *h = reinterpret_cast<struct nlmsghdr *>(buf);
    if (n > 0 && NLMSG_OK(h, size_t(n)) && h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
      auto *msg = static_cast<struct unix_diag_msg *>(NLMSG_DATA(h));
      int len = int(h->nlmsg_len) - NLMSG_LENGTH(sizeof *msg);
      for (auto *a = reinterpret_cast<struct rtattr *>(msg + 1); RTA_OK(a, len);
           a = RTA_NEXT(a, len)) {
        if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
          uint32_t ino;
          memcpy(&ino, RTA_DATA(a), sizeof ino);
          *peer = ino;
          found = ino != 0;
        }
      }
    }
  }
  REAL(close)(nl);
  return found;
}

// What identifies the file behind `fd` to the other side.
void fingerprint(int fd, uint64_t *dev, uint64_t *ino, char *link, size_t cap) {
  struct stat st;
  *dev = *ino = 0;
  if (fstat(fd, &st) == 0) {
    *dev = st.st_dev;
    *ino = st.st_ino;
  }
  char path[64];
  BufferWriter w(path, sizeof path);
  w.str("/proc/self/fd/").dec(uint64_t(fd));
  ssize_t n = readlink(path, link, cap - 1);
  link[n > 0 ? n : 0] = 0;
}

void copy_str(char *dst, size_t cap, const char *src) {
  size_t n = src ? strlen(src) : 0;
  if (n >= cap)
    n = cap - 1;
  if (n)
    memcpy(dst, src, n);
  dst[n] = 0;
}

// The fds of a message's SCM_RIGHTS control data, in order.
uint32_t rights_fds(const char *control, size_t len, int *fds, uint32_t cap) {
  uint32_t n = 0;
  struct msghdr m = {};
  m.msg_control = const_cast<char *>(control);
  m.msg_controllen = len;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
      continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k && n < cap; ++i)
      memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
  }
  return n;
}

bool describe(int fd, uint32_t position, PassedFd *p) {
  bool nonblocking;
  ClassId c = rt.resolver.fd_class(fd, &nonblocking);
  if (c == kNoClass)
    return false;
  FenceFd f = fence_objects.fd(fd);
  ClassId oc = f.kind == FenceFdKind::None ? c : fence_objects.cls(f.ref.object);
  if (oc == kNoClass)
    return false;
  const ClassInfo &ci = rt.engine.classes().info(oc);
  memset(p, 0, sizeof *p);
  p->position = position;
  p->fd_kind = uint8_t(f.kind);
  p->class_kind = uint8_t(ci.kind);
  p->available = f.available;
  p->class_flags = ci.flags.load(std::memory_order_relaxed);
  p->class_key = ci.key;
  p->site_offset = ci.site.offset;
  p->point = f.ref.point;
  fingerprint(fd, &p->dev, &p->ino, p->link, sizeof p->link);
  copy_str(p->name, sizeof p->name, ci.name);
  copy_str(p->module, sizeof p->module, ci.site.module);
  return true;
}

Slot *claim_slot(Registry *r) {
  uint64_t now = now_ns();
  for (uint32_t i = 0; i < kSlots; ++i) {
    Slot &s = r->slots[i];
    uint32_t st = s.state.load(std::memory_order_acquire);
    bool stale = st != kFree && now - __atomic_load_n(&s.stamp_ns, __ATOMIC_RELAXED) > kExpiry;
    if ((st == kFree || stale) && s.state.compare_exchange_strong(st, kWriting)) {
      __atomic_store_n(&s.stamp_ns, now, __ATOMIC_RELAXED);
      return &s;
    }
  }
  passes_lost.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

// Publishes the tracked fds of an outgoing message; returns the slot, to
// retract if the send fails.
Slot *publish(int sock, const struct msghdr *host_msg) {
  struct msghdr m;
  if (!safe_read(&m, host_msg, sizeof m) || !m.msg_control || m.msg_controllen < CMSG_LEN(0))
    return nullptr;
  alignas(struct cmsghdr) char control[4096];
  size_t len = m.msg_controllen < sizeof control ? m.msg_controllen : sizeof control;
  if (!safe_read(control, m.msg_control, len))
    return nullptr;
  int fds[kMaxMsgFds];
  uint32_t nfds = rights_fds(control, len, fds, kMaxMsgFds);
  PassedFd passed[kMaxPassed];
  uint32_t npassed = 0;
  for (uint32_t i = 0; i < nfds && npassed < kMaxPassed; ++i)
    if (describe(fds[i], i, &passed[npassed]))
      ++npassed;
  uint64_t peer;
  if (!npassed || !unix_peer_ino(sock, &peer))
    return nullptr;
  Registry *r = map_registry(true);
  Slot *s = r ? claim_slot(r) : nullptr;
  if (!s)
    return nullptr;
  s->nfds = nfds;
  s->npassed = npassed;
  s->receiver_ino = peer;
  s->order = r->order.fetch_add(1, std::memory_order_relaxed);
  memcpy(s->passed, passed, npassed * sizeof(PassedFd));
  s->state.store(kPublished, std::memory_order_release);
  return s;
}

bool matches(const Slot &s, const int *fds, uint32_t nfds) {
  if (s.nfds != nfds)
    return false;
  for (uint32_t i = 0; i < s.npassed && i < kMaxPassed; ++i) {
    const PassedFd &p = s.passed[i];
    if (p.position >= nfds)
      return false;
    uint64_t dev, ino;
    char link[sizeof p.link];
    fingerprint(fds[p.position], &dev, &ino, link, sizeof link);
    if (dev != p.dev || ino != p.ino || strcmp(link, p.link) != 0)
      return false;
  }
  return true;
}

// The class the sender knew, in this process: same key, same site, its pc
// when the module is loaded here too (so live reports symbolize it).
ClassId adopt_class(const PassedFd &p) {
  SiteRef site;
  site.offset = p.site_offset;
  if (p.module[0]) {
    site.module = rt.resolver.intern(p.module);
    struct Find {
      const char *base;
      uint64_t addr;
    } find{strrchr(p.module, '/') ? strrchr(p.module, '/') + 1 : p.module, 0};
    dl_iterate_phdr(
        [](struct dl_phdr_info *info, size_t, void *arg) {
          auto *f = static_cast<Find *>(arg);
          const char *name = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : exe_path();
          const char *slash = name ? strrchr(name, '/') : nullptr;
          if (name && strcmp(slash ? slash + 1 : name, f->base) == 0) {
            f->addr = info->dlpi_addr;
            return 1;
          }
          return 0;
        },
        &find);
    if (find.addr)
      site.pc = find.addr + p.site_offset;
  }
  ClassKind kind = p.class_kind < uint8_t(ClassKind::Count_) ? ClassKind(p.class_kind)
                                                               : ClassKind::Syncobj;
  char name[sizeof p.name];
  copy_str(name, sizeof name, p.name);
  ClassId c = rt.engine.classes().get_or_create(p.class_key, kind, name[0] ? name : nullptr,
                                                site, p.class_flags);
  return c;
}

void adopt(const int *fds, uint32_t nfds, uint64_t own_ino) {
  Registry *r = map_registry(false);
  if (!r)
    return;
  Slot *best = nullptr;
  uint64_t best_order = 0;
  for (uint32_t i = 0; i < kSlots; ++i) {
    Slot &s = r->slots[i];
    if (s.state.load(std::memory_order_acquire) != kPublished || s.receiver_ino != own_ino)
      continue;
    if ((!best || s.order < best_order) && matches(s, fds, nfds)) {
      best = &s;
      best_order = s.order;
    }
  }
  uint32_t expected = kPublished;
  if (!best || !best->state.compare_exchange_strong(expected, kReading))
    return;
  for (uint32_t i = 0; i < best->npassed && i < kMaxPassed; ++i) {
    const PassedFd &p = best->passed[i];
    ClassId c = adopt_class(p);
    int fd = fds[p.position];
    FenceFdKind kind = p.fd_kind <= uint8_t(FenceFdKind::SyncobjEventfd) ? FenceFdKind(p.fd_kind)
                                                                          : FenceFdKind::None;
    rt.resolver.bind_fd(fd, c, false);
    if (kind == FenceFdKind::None) {
      fence_objects.count_tracked();
      continue;
    }
    FenceRef ref{fence_objects.create(c), kind == FenceFdKind::Syncobj ? 0 : p.point};
    fence_objects.bind_fd(fd, FenceFd{kind, p.available != 0, ref});
  }
  best->state.store(kFree, std::memory_order_release);
}

} // namespace

namespace fencedep::runtime {
uint64_t fd_passes_lost() { return passes_lost.load(std::memory_order_relaxed); }
} // namespace fencedep::runtime

extern "C" {

ssize_t sendmsg(int sock, const struct msghdr *msg, int flags) {
  if (__builtin_expect(fence_objects.fence_fds() == 0, 1) ||
      !rt.ready.load(std::memory_order_relaxed))
    return REAL(sendmsg)(sock, msg, flags);
  HookScope h;
  Slot *s = h.active() ? publish(sock, msg) : nullptr;
  ssize_t r = REAL(sendmsg)(sock, msg, flags);
  if (r < 0 && s) {
    int err = errno;
    s->state.store(kFree, std::memory_order_release);
    errno = err;
  }
  return r;
}

ssize_t recvmsg(int sock, struct msghdr *msg, int flags) {
  ssize_t r = REAL(recvmsg)(sock, msg, flags);
  // The kernel has just read *msg and written its control part: both are
  // good memory. Nothing to look at without fds in it.
  if (r < 0 || !rt.ready.load(std::memory_order_relaxed) || !msg->msg_control ||
      msg->msg_controllen < CMSG_LEN(sizeof(int)) || (msg->msg_flags & MSG_CTRUNC))
    return r;
  HookScope h;
  if (!h.active())
    return r;
  int err = errno;
  int fds[kMaxMsgFds];
  uint32_t n = rights_fds(static_cast<const char *>(msg->msg_control), msg->msg_controllen, fds,
                          kMaxMsgFds);
  struct stat st;
  if (n && fstat(sock, &st) == 0)
    adopt(fds, n, st.st_ino);
  errno = err;
  return r;
}

} // extern "C"
