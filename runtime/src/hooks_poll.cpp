// poll, ppoll, select, pselect and epoll on fence descriptors: a blocking
// call that asks for POLLIN on a sync_file, a syncobj eventfd or an eventfd
// is a wait on each of them (it returns when any is ready). Whatever became
// ready has completed; a one-shot fence stays in the thread's window.
//
// The cost for programs that never made a fence fd or an eventfd is one
// load and compare per call: the arguments are not looked at. Otherwise
// they are copied with safe_read (they are the host's, and may be bad).
#include <errno.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "fence_objects.h"
#include "hooks_common.h"
#include "safe_copy.h"

using namespace fencedep;
using namespace fencedep::runtime;

namespace {

constexpr unsigned kMaxWaited = 16; // fence fds per call modelled

struct FdWaits {
  FdWait w[kMaxWaited];
  int fd[kMaxWaited];
  uint32_t where[kMaxWaited]; // index into the host's array (poll)
  unsigned n = 0;

  void add(int host_fd, uint32_t where_at) {
    if (n < kMaxWaited && fence_objects.fd_wait(host_fd, &w[n])) {
      fd[n] = host_fd;
      where[n++] = where_at;
    }
  }
};

inline bool nothing_tracked() {
  return __builtin_expect(fence_objects.tracked_fds() == 0, 1) ||
         !rt.ready.load(std::memory_order_relaxed);
}

const void *as_obj(uint64_t v) { return reinterpret_cast<const void *>(v); }

void begin(HookScope &h, const FdWaits &ws, uint64_t pc) {
  for (unsigned i = 0; i < ws.n; ++i)
    wait_before(h, ws.w[i].cls, as_obj(ws.w[i].instance), nullptr, pc, ws.w[i].kind,
                ws.w[i].live_key, false);
}

// `ready[i]`: ws.w[i] was reported ready. `r`: the call's result.
void end(HookScope &h, const FdWaits &ws, const bool *ready, int r, uint64_t pc) {
  if (r < 0 && errno != EINTR) {
    if (h.ctx().block_open)
      block_end(h.ctx());
    return;
  }
  unsigned first = ws.n;
  for (unsigned i = 0; i < ws.n && first == ws.n; ++i)
    if (ready[i])
      first = i;
  if (first == ws.n) {
    // Timed out or interrupted: the wait ended with nothing complete.
    wait_after(h, ws.w[0].cls, as_obj(ws.w[0].instance), false, pc);
    return;
  }
  wait_after(h, ws.w[first].cls, as_obj(ws.w[first].instance), ws.w[first].one_shot, pc);
  for (unsigned i = first + 1; i < ws.n; ++i)
    if (ready[i])
      wait_after_more(h, ws.w[i].cls, as_obj(ws.w[i].instance), ws.w[i].one_shot, pc);
}

// Which of the waited fds are readable now (epoll does not say by fd).
void probe_ready(const FdWaits &ws, bool *ready) {
  struct pollfd p[kMaxWaited];
  for (unsigned i = 0; i < ws.n; ++i)
    p[i] = pollfd{ws.fd[i], POLLIN, 0};
  int r = REAL(poll)(p, ws.n, 0);
  for (unsigned i = 0; i < ws.n; ++i)
    ready[i] = r > 0 && (p[i].revents & POLLIN);
}

constexpr short kReadable = POLLIN | POLLRDNORM;

bool collect_pollfds(const struct pollfd *fds, nfds_t nfds, FdWaits *ws) {
  constexpr nfds_t kChunk = 128; // one copy covers most programs' poll sets
  struct pollfd chunk[kChunk];
  for (nfds_t at = 0; at < nfds && ws->n < kMaxWaited; at += kChunk) {
    nfds_t k = nfds - at < kChunk ? nfds - at : kChunk;
    if (!safe_read(chunk, fds + at, k * sizeof(struct pollfd)))
      return false;
    for (nfds_t i = 0; i < k; ++i)
      if (chunk[i].fd >= 0 && (chunk[i].events & kReadable))
        ws->add(chunk[i].fd, uint32_t(at + i));
  }
  return ws->n > 0;
}

// Out of line: the hooks' fast paths stay a load and a compare.
template <typename Fn>
__attribute__((noinline)) int hooked_poll(struct pollfd *fds, nfds_t nfds, uint64_t pc,
                                          Fn &&real_call) {
  HookScope h;
  FdWaits ws;
  if (!h.active() || !collect_pollfds(fds, nfds, &ws))
    return real_call();
  begin(h, ws, pc);
  int r = real_call();
  ErrnoKeeper keep;
  bool ready[kMaxWaited] = {};
  for (unsigned i = 0; r > 0 && i < ws.n; ++i) {
    struct pollfd p;
    ready[i] = safe_read(&p, fds + ws.where[i], sizeof p) && (p.revents & kReadable);
  }
  end(h, ws, ready, r, pc);
  return r;
}

constexpr int kMaxSelectFd = FD_SETSIZE;

bool collect_fdset(int nfds, const fd_set *set, fd_set *copy, FdWaits *ws) {
  if (!set || nfds <= 0)
    return false;
  int n = nfds < kMaxSelectFd ? nfds : kMaxSelectFd;
  size_t bytes = (size_t(n) + 63) / 64 * 8;
  FD_ZERO(copy);
  if (!safe_read(copy, set, bytes))
    return false;
  for (int fd = 0; fd < n && ws->n < kMaxWaited; ++fd)
    if (FD_ISSET(fd, copy))
      ws->add(fd, uint32_t(fd));
  return ws->n > 0;
}

template <typename Fn>
__attribute__((noinline)) int hooked_select(int nfds, fd_set *readfds, bool nonblocking,
                                            uint64_t pc, Fn &&real_call) {
  HookScope h;
  FdWaits ws;
  fd_set copy;
  if (!h.active() || nonblocking || !collect_fdset(nfds, readfds, &copy, &ws))
    return real_call();
  begin(h, ws, pc);
  int r = real_call();
  ErrnoKeeper keep;
  bool ready[kMaxWaited] = {};
  size_t bytes = (size_t(nfds < kMaxSelectFd ? nfds : kMaxSelectFd) + 63) / 64 * 8;
  if (r > 0 && safe_read(&copy, readfds, bytes))
    for (unsigned i = 0; i < ws.n; ++i)
      ready[i] = FD_ISSET(ws.fd[i], &copy);
  end(h, ws, ready, r, pc);
  return r;
}

// Fence fds registered for EPOLLIN in each epoll instance.
struct EpollSet {
  static constexpr unsigned kMax = 8;
  uint32_t n;
  int fds[kMax];
};
RawArray<EpollSet> epoll_sets;
SpinLock epoll_lock;
std::atomic<bool> epoll_ready{false};

bool ensure_epoll_sets() {
  if (epoll_ready.load(std::memory_order_acquire))
    return true;
  SpinGuard g(epoll_lock);
  if (!epoll_ready.load(std::memory_order_relaxed) &&
      epoll_sets.init(FenceObjects::kMaxFds))
    epoll_ready.store(true, std::memory_order_release);
  return epoll_ready.load(std::memory_order_relaxed);
}

void epoll_remove_locked(EpollSet &s, int fd) {
  for (uint32_t i = 0; i < s.n; ++i) {
    if (s.fds[i] == fd) {
      s.fds[i] = s.fds[--s.n];
      return;
    }
  }
}

bool collect_epoll(int epfd, FdWaits *ws) {
  if (epfd < 0 || epfd >= FenceObjects::kMaxFds || !epoll_ready.load(std::memory_order_acquire))
    return false;
  EpollSet &s = epoll_sets[epfd];
  if (__atomic_load_n(&s.n, __ATOMIC_RELAXED) == 0)
    return false;
  SpinGuard g(epoll_lock);
  for (uint32_t i = 0; i < s.n; ++i)
    ws->add(s.fds[i], i);
  return ws->n > 0;
}

template <typename Fn>
__attribute__((noinline)) int hooked_epoll_wait(int epfd, bool nonblocking, uint64_t pc,
                                                Fn &&real_call) {
  HookScope h;
  FdWaits ws;
  if (!h.active() || nonblocking || !collect_epoll(epfd, &ws))
    return real_call();
  begin(h, ws, pc);
  int r = real_call();
  ErrnoKeeper keep;
  bool ready[kMaxWaited] = {};
  if (r > 0)
    probe_ready(ws, ready);
  end(h, ws, ready, r, pc);
  return r;
}

bool zero_timespec(const struct timespec *ts) {
  struct timespec t;
  return ts && safe_read(&t, ts, sizeof t) && t.tv_sec == 0 && t.tv_nsec == 0;
}

} // namespace

namespace fencedep::runtime {
// A closed epoll instance forgets its fence fds.
void epoll_forget(int fd) {
  if (fd < 0 || fd >= FenceObjects::kMaxFds || !epoll_ready.load(std::memory_order_acquire) ||
      __atomic_load_n(&epoll_sets[fd].n, __ATOMIC_RELAXED) == 0)
    return;
  SpinGuard g(epoll_lock);
  epoll_sets[fd].n = 0;
}
} // namespace fencedep::runtime

extern "C" [[noreturn]] void __chk_fail(void);

extern "C" {

int poll(struct pollfd *fds, nfds_t nfds, int timeout) {
  if (nothing_tracked() || timeout == 0 || nfds == 0)
    return REAL(poll)(fds, nfds, timeout);
  return hooked_poll(fds, nfds, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(poll)(fds, nfds, timeout); });
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, const sigset_t *mask) {
  if (nothing_tracked() || nfds == 0 || zero_timespec(tmo))
    return REAL(ppoll)(fds, nfds, tmo, mask);
  return hooked_poll(fds, nfds, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(ppoll)(fds, nfds, tmo, mask); });
}

// _FORTIFY_SOURCE builds call these instead of poll and ppoll.
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout, size_t fdslen) {
  if (fdslen / sizeof(*fds) < nfds)
    __chk_fail();
  if (nothing_tracked() || timeout == 0 || nfds == 0)
    return REAL(poll)(fds, nfds, timeout);
  return hooked_poll(fds, nfds, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(poll)(fds, nfds, timeout); });
}

int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo,
                const sigset_t *mask, size_t fdslen) {
  if (fdslen / sizeof(*fds) < nfds)
    __chk_fail();
  if (nothing_tracked() || nfds == 0 || zero_timespec(tmo))
    return REAL(ppoll)(fds, nfds, tmo, mask);
  return hooked_poll(fds, nfds, FENCEDEP_CALLER_PC(),
                     [&] { return REAL(ppoll)(fds, nfds, tmo, mask); });
}

int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv) {
  if (nothing_tracked() || !r)
    return REAL(select)(nfds, r, w, e, tv);
  struct timeval t;
  bool nonblocking = tv && safe_read(&t, tv, sizeof t) && t.tv_sec == 0 && t.tv_usec == 0;
  return hooked_select(nfds, r, nonblocking, FENCEDEP_CALLER_PC(),
                       [&] { return REAL(select)(nfds, r, w, e, tv); });
}

int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
            const sigset_t *mask) {
  if (nothing_tracked() || !r)
    return REAL(pselect)(nfds, r, w, e, ts, mask);
  return hooked_select(nfds, r, zero_timespec(ts), FENCEDEP_CALLER_PC(),
                       [&] { return REAL(pselect)(nfds, r, w, e, ts, mask); });
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev) {
  int r = REAL(epoll_ctl)(epfd, op, fd, ev);
  if (r != 0 || nothing_tracked() || epfd < 0 || epfd >= FenceObjects::kMaxFds)
    return r;
  bool nonblocking;
  if (op != EPOLL_CTL_DEL && rt.resolver.fd_class(fd, &nonblocking) == kNoClass)
    return r;
  HookScope h;
  if (!h.active() || !ensure_epoll_sets())
    return r;
  ErrnoKeeper keep;
  struct epoll_event e = {};
  bool readable = op != EPOLL_CTL_DEL && safe_read(&e, ev, sizeof e) && (e.events & EPOLLIN);
  SpinGuard g(epoll_lock);
  EpollSet &s = epoll_sets[epfd];
  epoll_remove_locked(s, fd);
  if (readable && s.n < EpollSet::kMax)
    s.fds[s.n++] = fd;
  return r;
}

int epoll_wait(int epfd, struct epoll_event *events, int max, int timeout) {
  if (nothing_tracked())
    return REAL(epoll_wait)(epfd, events, max, timeout);
  return hooked_epoll_wait(epfd, timeout == 0, FENCEDEP_CALLER_PC(),
                           [&] { return REAL(epoll_wait)(epfd, events, max, timeout); });
}

int epoll_pwait(int epfd, struct epoll_event *events, int max, int timeout,
                const sigset_t *mask) {
  if (nothing_tracked())
    return REAL(epoll_pwait)(epfd, events, max, timeout, mask);
  return hooked_epoll_wait(epfd, timeout == 0, FENCEDEP_CALLER_PC(), [&] {
    return REAL(epoll_pwait)(epfd, events, max, timeout, mask);
  });
}

int epoll_pwait2(int epfd, struct epoll_event *events, int max, const struct timespec *tmo,
                 const sigset_t *mask) {
  if (nothing_tracked())
    return REAL(epoll_pwait2)(epfd, events, max, tmo, mask);
  return hooked_epoll_wait(epfd, zero_timespec(tmo), FENCEDEP_CALLER_PC(), [&] {
    return REAL(epoll_pwait2)(epfd, events, max, tmo, mask);
  });
}

} // extern "C"
