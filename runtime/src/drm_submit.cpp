#include "drm_submit.h"

#include <errno.h>

#include <cstring>

#include "drm_model.h"
#include "drm_uapi.h"
#include "fencedep/core/writer.h"

namespace fencedep::runtime::drm {

SubmitStats submit_stats;

// --- what a submission names ------------------------------------------------

bool read_entries(void *out, uint64_t user, uint32_t count, uint32_t stride, uint32_t elem) {
  if (count == 0)
    return true;
  if (stride == 0)
    return false;
  char *dst = static_cast<char *>(out);
  if (stride == elem) {
    ReadPiece all{dst, user, uint64_t(count) * elem};
    return safe_read_pieces(&all, 1);
  }
  // Another layout version: each entry's common part, in one system call.
  uint32_t n = stride < elem ? stride : elem;
  memset(dst, 0, size_t(count) * elem);
  constexpr uint32_t kBatch = 64;
  ReadPiece pieces[kBatch];
  for (uint32_t i = 0; i < count;) {
    uint32_t k = 0;
    for (; k < kBatch && i < count; ++k, ++i)
      pieces[k] = ReadPiece{dst + size_t(i) * elem, user + uint64_t(i) * stride, n};
    if (!safe_read_pieces(pieces, k))
      return false;
  }
  return true;
}

bool decode_syncobj_arrays(Submission &s, uint64_t in, uint32_t nin, uint64_t out, uint32_t nout,
                           uint32_t stride) {
  struct Entry {
    uint32_t handle;
    uint32_t flags;
    uint64_t point;
  };
  static_assert(sizeof(Entry) == 16, "drm_msm_gem_submit_syncobj, drm_virtgpu_execbuffer_syncobj");
  constexpr uint32_t kMax = Submission::kMaxFences / 2;
  Entry ins[kMax], outs[kMax];
  uint32_t ni = nin < kMax ? nin : kMax, no = nout < kMax ? nout : kMax;
  s.lose(nin - ni + nout - no);
  if (stride == sizeof(Entry)) {
    ReadPiece p[2] = {{ins, in, uint64_t(ni) * sizeof(Entry)},
                      {outs, out, uint64_t(no) * sizeof(Entry)}};
    if ((ni || no) && !safe_read_pieces(p, 2))
      return false;
  } else if (!read_entries(ins, in, ni, stride, sizeof(Entry)) ||
             !read_entries(outs, out, no, stride, sizeof(Entry))) {
    return false;
  }
  for (uint32_t i = 0; i < ni; ++i)
    s.in_syncobj(ins[i].handle, ins[i].point);
  for (uint32_t i = 0; i < no; ++i)
    s.out_syncobj(outs[i].handle, outs[i].point);
  return true;
}

// --- the model ----------------------------------------------------------------

uint32_t SubmitModel::queue_object(uint64_t queue) {
  if (uint32_t o = fence_objects.queue_object(fd_, queue))
    return o;
  // A queue's class: the site of its first submission, as a fence context.
  uint32_t o =
      fence_objects.create(rt.resolver.site_class(ClassKind::Fence, creation_site(pc_)));
  fence_objects.bind_queue(fd_, queue, o);
  return o;
}

uint32_t SubmitModel::out_object(const Submission::Out &out) {
  return out.user_fence ? user_fence_object(out.addr, pc_) : object_for(fd_, out.handle, pc_);
}

FenceRef SubmitModel::resolve(const Submission::In &in) {
  switch (in.kind) {
  case Submission::InKind::Syncobj:
    return fence_objects.current(object_for(fd_, in.handle, pc_), in.point);
  case Submission::InKind::SyncFile:
    return fd_ref(int(in.handle));
  case Submission::InKind::Job:
    // A job of a queue the runtime never saw submitted to names nothing.
    if (uint32_t q = fence_objects.queue_object(fd_, in.queue))
      return FenceRef{q, in.point};
    return FenceRef{};
  }
  return FenceRef{};
}

void SubmitModel::before(Submission &s) {
  for (uint32_t i = 0; i < s.nin_; ++i)
    in_refs_[i] = resolve(s.in_[i]);
  resolved_ = true;
  for (uint32_t i = 0; i < s.nin_; ++i) {
    const Submission::In &in = s.in_[i];
    FenceRef ref = in_refs_[i];
    ClassId c = fence_objects.cls(ref.object);
    if (!in.wait_for_submit || c == kNoClass)
      continue;
    fence_objects.mark_awaited_early(ref.object);
    waiting_ = true;
  }
  if (!waiting_)
    return;
  // The job's timeline points will await what the call waits for: said
  // now, before the call blocks, so that a submission waiting for its own
  // output (the kernel gives up after its timeout), or two each waiting
  // for the other's, are a cycle of instances already.
  for (uint32_t k = 0; k < s.nout_ && k < Submission::kMaxFences; ++k) {
    if (s.out_[k].point == 0)
      continue;
    prelinked_ |= uint64_t(1) << k;
    FenceRef out{out_object(s.out_[k]), s.out_[k].point};
    for (uint32_t i = 0; i < s.nin_; ++i)
      if (in_refs_[i].object && s.in_[i].wait_for_submit)
        fence_await(h_, out, in_refs_[i], pc_);
  }
  // The waits of one call are one wait on several objects, all of them.
  for (uint32_t i = 0; i < s.nin_; ++i) {
    ClassId c = fence_objects.cls(in_refs_[i].object);
    if (s.in_[i].wait_for_submit && c != kNoClass)
      wait_before(h_, c, as_obj(fence_objects.instance(in_refs_[i])), nullptr, pc_,
                  EdgeKind::WaitForSubmit, fence_objects.object_key(in_refs_[i].object));
  }
}

void SubmitModel::after(Submission &s, bool ok, uint64_t job_seq, int out_fd) {
  if (waiting_) {
    // The kernel waited for every in-fence's submission before it took
    // the job, or gave up (refused the job).
    bool first = true;
    for (uint32_t i = 0; ok && i < s.nin_; ++i) {
      ClassId c = fence_objects.cls(in_refs_[i].object);
      if (!s.in_[i].wait_for_submit || c == kNoClass)
        continue;
      const void *obj = as_obj(fence_objects.instance(in_refs_[i]));
      if (first)
        wait_after(h_, c, obj, true, pc_);
      else
        wait_after_more(h_, c, obj, true, pc_);
      first = false;
    }
    if (!ok && h_.ctx().block_open)
      block_end(h_.ctx());
  }
  if (!ok) {
    // Refused: the points it would have put in await nothing.
    for (uint32_t k = 0; k < s.nout_; ++k)
      if (prelinked_ >> k & 1)
        reset_fence(h_, FenceRef{out_object(s.out_[k]), s.out_[k].point});
    return;
  }
  if (!resolved_)
    for (uint32_t i = 0; i < s.nin_; ++i)
      in_refs_[i] = resolve(s.in_[i]);
  bump(submit_stats.shard(h_).submits[size_t(d_)]);
  if (s.lost_)
    bump(submit_stats.fences_lost, s.lost_);

  // Awaits of fences submitted before (all a kernel takes, but for amdgpu's
  // waits inside the call) run from a new fence to older ones: they can
  // close no cycle of instances, and are class edges alone. A fence
  // awaited before its submission (wait-before-signal), and every later
  // submission into its object, go to the instance DAG too.
  bool pending = false;
  for (uint32_t i = 0; i < s.nin_; ++i) {
    if (in_refs_[i].object &&
        (s.in_[i].wait_for_submit || !fence_objects.submitted(in_refs_[i]))) {
      fence_objects.mark_awaited_early(in_refs_[i].object);
      pending = true;
    }
  }
  auto awaits = [&](FenceRef f, bool prelinked) {
    bool dag = pending || fence_objects.awaited_early(f.object);
    if (dag && !prelinked)
      reset_fence(h_, f);
    for (uint32_t i = 0; i < s.nin_; ++i) {
      if (!in_refs_[i].object)
        continue;
      if (dag)
        fence_await(h_, f, in_refs_[i], pc_);
      else
        fence_await_class(h_, f, in_refs_[i], pc_);
    }
  };

  // The job's own fence: only when the program can name it.
  if (s.job_visible_ || out_fd >= 0) {
    uint32_t q = queue_object(s.queue_);
    FenceRef job{q, job_seq ? job_seq : fence_objects.next_seq(q)};
    fence_objects.note_submitted(job);
    awaits(job, false);
    if (out_fd >= 0)
      bind_fence_fd(out_fd, FenceFdKind::SyncFile, job);
  }
  for (uint32_t k = 0; k < s.nout_; ++k) {
    FenceRef out = fence_objects.next(out_object(s.out_[k]), s.out_[k].point);
    submit_fence(h_, out, pc_);
    awaits(out, prelinked_ >> k & 1);
  }
}

// --- waits on jobs ------------------------------------------------------------

JobWait::JobWait(HookScope &h, int fd, uint64_t queue, uint64_t seq, int64_t deadline_ns,
                 uint64_t pc)
    : h_(h), pc_(pc) {
  bump(submit_stats.shard(h).waits);
  uint32_t q = fence_objects.queue_object(fd, queue);
  if (!q || (deadline_ns >= 0 && deadline_ns <= monotonic_now_ns()))
    return;
  ref_ = FenceRef{q, seq};
  ClassId c = fence_objects.cls(q);
  wait_before(h, c, as_obj(fence_objects.instance(ref_)), nullptr, pc, EdgeKind::Wait,
              fence_objects.object_key(q));
  open_ = true;
}

void JobWait::end(bool completed) {
  if (!open_)
    return;
  if (!completed) {
    // Timed out or refused: nothing completed, the window is not reset.
    if (h_.ctx().block_open)
      block_end(h_.ctx());
    return;
  }
  wait_after(h_, fence_objects.cls(ref_.object), as_obj(fence_objects.instance(ref_)), true,
             pc_);
}

// --- drivers --------------------------------------------------------------------

namespace {

struct DriverName {
  const char *name;
  DrmDriver driver;
};
constexpr DriverName kDrivers[] = {
    {"xe", DrmDriver::Xe},           {"amdgpu", DrmDriver::Amdgpu},
    {"i915", DrmDriver::I915},       {"msm", DrmDriver::Msm},
    {"panthor", DrmDriver::Panthor}, {"v3d", DrmDriver::V3d},
    {"virtio_gpu", DrmDriver::Virtgpu},
};

// Asks the kernel (DRM_IOCTL_VERSION) whose descriptor this is; once per
// descriptor, remembered until it is closed.
DrmDriver identify(int fd) {
  char name[32] = {};
  fencedep::drm::Version v{};
  v.name_len = sizeof name - 1;
  v.name = reinterpret_cast<uint64_t>(name);
  if (REAL(ioctl)(fd, fencedep::drm::kIoctlVersion, &v) != 0)
    return DrmDriver::Other;
  for (const DriverName &d : kDrivers)
    if (strcmp(name, d.name) == 0)
      return d.driver;
  return DrmDriver::Other;
}

DrmDriver driver_of(int fd) {
  DrmDriver d = fence_objects.driver(fd);
  if (__builtin_expect(d != DrmDriver::Unknown, 1))
    return d;
  ErrnoKeeper keep;
  d = identify(fd);
  fence_objects.set_driver(fd, d);
  if (d == DrmDriver::Other)
    bump(submit_stats.other_driver_fds);
  return d;
}

} // namespace

int driver_ioctl(HookScope &h, int fd, unsigned long req, void *arg, uint64_t pc) {
  unsigned nr = fencedep::drm::ioc_nr(req);
  switch (driver_of(fd)) {
  case DrmDriver::Xe:
    return xe_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::Amdgpu:
    return amdgpu_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::I915:
    return i915_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::Msm:
    return msm_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::Panthor:
    return panthor_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::V3d:
    return v3d_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::Virtgpu:
    return virtgpu_ioctl(h, fd, nr, req, arg, pc);
  case DrmDriver::Unknown:
  case DrmDriver::Other:
  case DrmDriver::Count_:
    break;
  }
  return REAL(ioctl)(fd, req, arg);
}

void print_submit_stats(Writer &out, uint32_t pid) {
  static const char *const kNames[] = {"?", "other", "xe", "amdgpu", "i915",
                                       "msm", "panthor", "v3d", "virtio_gpu"};
  static_assert(sizeof kNames / sizeof kNames[0] == size_t(DrmDriver::Count_));
  uint64_t per_driver[size_t(DrmDriver::Count_)] = {}, total = 0, waits = 0;
  for (const SubmitShard &sh : submit_stats.shards) {
    for (size_t d = 0; d < size_t(DrmDriver::Count_); ++d) {
      per_driver[d] += sh.submits[d].load(std::memory_order_relaxed);
      total += sh.submits[d].load(std::memory_order_relaxed);
    }
    waits += sh.waits.load(std::memory_order_relaxed);
  }
  uint64_t others = submit_stats.other_driver_fds.load(std::memory_order_relaxed);
  uint64_t unknown = submit_stats.unknown_parts.load(std::memory_order_relaxed);
  uint64_t user = submit_stats.user_fences.load(std::memory_order_relaxed);
  uint64_t lost = submit_stats.fences_lost.load(std::memory_order_relaxed);
  uint64_t bad = submit_stats.unreadable.load(std::memory_order_relaxed);
  if (!total && !others && !unknown && !user && !lost && !bad && !waits)
    return;
  out.str("fencedep: pid ").dec(pid).str(": gpu submissions: ").dec(total).str(" modelled");
  for (size_t d = size_t(DrmDriver::Xe); d < size_t(DrmDriver::Count_); ++d) {
    uint64_t n = per_driver[d];
    if (n)
      out.str(" (").str(kNames[d]).ch(' ').dec(n).ch(')');
  }
  out.str(", ").dec(waits).str(" job waits; passed through: ").dec(others);
  out.str(" descriptors of other drivers, ").dec(unknown);
  out.str(" unknown chunks, extensions or sync types, ").dec(user).str(" user fences, ");
  out.dec(lost).str(" fences past ").dec(Submission::kMaxFences).str(" per job, ").dec(bad);
  out.str(" unreadable arguments\n");
}

} // namespace fencedep::runtime::drm
