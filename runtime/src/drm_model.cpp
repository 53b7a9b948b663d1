#include "drm_model.h"

#include <errno.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "unwind/modules.h"
#include "unwind/unwinder.h"

namespace fencedep::runtime::drm {

// libdrm.so.2, libdrm_amdgpu.so.1, ...: "libdrm", a suffix, ".so".
static bool in_libdrm(uint64_t pc) {
  ModuleRef m;
  if (!find_module(pc - 1, &m))
    return false;
  const char *slash = strrchr(m.path, '/');
  const char *name = slash ? slash + 1 : m.path;
  if (strncmp(name, "libdrm", 6) != 0)
    return false;
  name += 6;
  while (*name == '_' || (*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9'))
    ++name;
  return strncmp(name, ".so", 3) == 0;
}

uint64_t creation_site(uint64_t pc) {
  if (!in_libdrm(pc))
    return pc;
  uint64_t pcs[kMaxFrames];
  uint32_t n = capture_host_stack(pcs, kMaxFrames);
  for (uint32_t i = 0; i < n; ++i)
    if (!in_libdrm(pcs[i]))
      return pcs[i];
  return pc;
}

uint32_t new_object_for(int drm_fd, uint32_t handle, uint64_t pc) {
  uint32_t o = fence_objects.create(rt.resolver.site_class(ClassKind::Syncobj, creation_site(pc)));
  fence_objects.bind_handle(drm_fd, handle, o);
  return o;
}

uint32_t user_fence_object(uint64_t addr, uint64_t pc) {
  if (uint32_t o = fence_objects.user_fence(addr))
    return o;
  uint32_t o = fence_objects.create(rt.resolver.site_class(ClassKind::Fence, creation_site(pc)));
  fence_objects.bind_user_fence(addr, o);
  return o;
}

FenceRef fd_ref(int fd) {
  FenceFd f = fence_objects.fd(fd);
  return f.kind == FenceFdKind::None ? FenceRef{} : f.ref;
}

void bind_fence_fd(int fd, FenceFdKind kind, FenceRef ref, bool available) {
  ClassId c = fence_objects.cls(ref.object);
  if (c == kNoClass)
    return;
  bool nonblocking = false;
  rt.resolver.fd_class(fd, &nonblocking); // an eventfd keeps its O_NONBLOCK note
  rt.resolver.bind_fd(fd, c, nonblocking);
  fence_objects.bind_fd(fd, FenceFd{kind, available, ref});
}

void signal_fence(HookScope &h, FenceRef ref, uint64_t pc) {
  ClassId c = fence_objects.cls(ref.object);
  if (c == kNoClass)
    return;
  fence_objects.note_submitted(ref);
  signal(h, c, as_obj(fence_objects.instance(ref)), pc, fence_objects.object_key(ref.object));
}

void submit_fence(HookScope &h, FenceRef ref, uint64_t pc) {
  ClassId c = fence_objects.cls(ref.object);
  if (c == kNoClass)
    return;
  fence_objects.note_submitted(ref);
  uint64_t inst = fence_objects.instance(ref);
  UnwindStack st(rt.engine.stacks());
  rt.engine.submit(h.state(), c, inst, pc, st);
  // Bit 0 of a signal's argument: a submission (docs/trace-format.md).
  trace(TraceOp::Signal, h.state(), c, as_obj(inst), 1, pc);
  if (__builtin_expect(watchdog_enabled, 0))
    note_signal(fence_objects.object_key(ref.object), h.state().tid);
}

void reset_fence(HookScope &h, FenceRef ref) {
  ClassId c = fence_objects.cls(ref.object);
  if (c == kNoClass)
    return;
  uint64_t inst = fence_objects.instance(ref);
  rt.engine.fence_reset(inst);
  trace(TraceOp::FenceInit, h.state(), c, as_obj(inst), 0, 0);
}

void fence_await(HookScope &h, FenceRef f, FenceRef dep, uint64_t pc) {
  ClassId fc = fence_objects.cls(f.object), dc = fence_objects.cls(dep.object);
  if (fc == kNoClass || dc == kNoClass)
    return;
  uint64_t fi = fence_objects.instance(f), di = fence_objects.instance(dep);
  UnwindStack st(rt.engine.stacks());
  if (fc == dc) {
    // A class self-edge would be a cycle of one class: the DAG alone.
    // Not traced: offline analysis keeps to class edges here.
    rt.engine.await_instance(h.state(), fc, fi, di, st);
    return;
  }
  rt.engine.await(h.state(), fc, fi, dc, di, pc, st);
  if (trace_enabled())
    trace_event(TraceEvent{TraceOp::Await, h.state().tid, fc, fi, di, pc, dc});
}

void fence_await_class(HookScope &h, FenceRef f, FenceRef dep, uint64_t pc) {
  ClassId fc = fence_objects.cls(f.object), dc = fence_objects.cls(dep.object);
  if (fc == kNoClass || dc == kNoClass || fc == dc)
    return;
  UnwindStack st(rt.engine.stacks());
  rt.engine.await_class(h.state(), fc, dc, pc, st);
  if (trace_enabled())
    trace_event(TraceEvent{TraceOp::Await, h.state().tid, fc, fence_objects.instance(f),
                           fence_objects.instance(dep), pc, dc});
}

int64_t monotonic_now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// The top of the calling thread's stack: the main thread's start (its
// arguments and environment lie above), else glibc's thread descriptor,
// which sits at the top of the thread's stack block.
extern "C" void *__libc_stack_end;
__thread uint64_t own_stack_top __attribute__((tls_model("initial-exec")));

// The live part of the calling thread's stack: from this frame up to the
// stack's top, memory the thread is using and readable without a system
// call (the unwinder's assumption too). Submit arguments are often there.
// [*lo, *hi); an empty range when the top is not known to be plausible.
__attribute__((noinline)) static void own_live_stack(uint64_t *lo, uint64_t *hi) {
  uint64_t sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  uint64_t top = own_stack_top;
  if (!top) {
    bool main_thread = syscall(SYS_gettid) == syscall(SYS_getpid);
    top = main_thread ? reinterpret_cast<uint64_t>(__libc_stack_end)
                      : reinterpret_cast<uint64_t>(__builtin_thread_pointer());
    // Not a stack above this frame, or an implausible one (a thread not
    // made by glibc): never trusted.
    if (top <= sp || top - sp > (64u << 20))
      top = 1;
    own_stack_top = top;
  }
  *lo = sp;
  *hi = top > sp ? top : sp;
}

bool safe_read_pieces_slow(const ReadPiece *pieces, uint32_t n) {
  static std::atomic<bool> unsupported{false};
  constexpr uint32_t kMaxPieces = 64;
  struct iovec local[kMaxPieces], remote[kMaxPieces];
  uint64_t lo, hi;
  own_live_stack(&lo, &hi);
  while (n) {
    uint32_t k = n < kMaxPieces ? n : kMaxPieces, m = 0;
    uint64_t want = 0;
    for (uint32_t i = 0; i < k; ++i) {
      uint64_t src = pieces[i].src, size = pieces[i].size;
      if (!size)
        continue;
      if (!src)
        return false;
      if (src >= lo && src + size >= src && src + size <= hi) {
        memcpy(pieces[i].dst, reinterpret_cast<const void *>(src), size);
        continue;
      }
      local[m] = {pieces[i].dst, size_t(size)};
      remote[m++] = {reinterpret_cast<void *>(src), size_t(size)};
      want += size;
    }
    pieces += k;
    n -= k;
    if (!m)
      continue;
    if (unsupported.load(std::memory_order_relaxed))
      return false;
    // The raw system call, as safe_read: nothing here may be intercepted.
    // The process is rt.pid (kept by the fork hook): no getpid per read.
    long pid = rt.pid ? long(rt.pid) : long(syscall(SYS_getpid));
    long got = syscall(SYS_process_vm_readv, pid, local, (unsigned long)m, remote,
                       (unsigned long)m, 0UL);
    if (got < 0 && (errno == ENOSYS || errno == EPERM))
      unsupported.store(true, std::memory_order_relaxed);
    if (got < 0 || uint64_t(got) != want)
      return false;
  }
  return true;
}

} // namespace fencedep::runtime::drm
