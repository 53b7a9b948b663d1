// Text fields of the kernel events the model uses, as each tracepoint's
// print format writes them (Linux 6.12 unless said otherwise), into a
// KernelEvent. trace.dat records skip this: their fields are read by name.
#include <cstring>
#include <unordered_map>

#include "fencedep/core/kernel_trace.h"

namespace fencedep {

KernelEv kernel_event_id(std::string_view name) {
  // Lock events are most of a lockdep trace: decided without hashing.
  if (name.size() == 12 && name.compare(0, 5, "lock_") == 0) {
    if (name == "lock_acquire")
      return KernelEv::LockAcquire;
    if (name == "lock_release")
      return KernelEv::LockRelease;
  }
  static const std::unordered_map<std::string_view, KernelEv> table = {
      {"dma_fence_init", KernelEv::FenceInit},
      {"dma_fence_emit", KernelEv::FenceEmit},
      {"dma_fence_enable_signal", KernelEv::FenceEnableSignal},
      {"dma_fence_signaled", KernelEv::FenceSignaled},
      {"dma_fence_wait_start", KernelEv::FenceWaitStart},
      {"dma_fence_wait_end", KernelEv::FenceWaitEnd},
      {"dma_fence_destroy", KernelEv::FenceDestroy},
      {"lock_acquire", KernelEv::LockAcquire},
      {"lock_release", KernelEv::LockRelease},
      {"contention_begin", KernelEv::ContentionBegin},
      {"contention_end", KernelEv::ContentionEnd},
      {"drm_sched_job", KernelEv::SchedJob},
      {"drm_run_job", KernelEv::SchedRunJob},
      {"drm_sched_process_job", KernelEv::SchedProcessJob},
      {"drm_sched_job_wait_dep", KernelEv::SchedWaitDep},
      {"drm_sched_job_queue", KernelEv::SchedJobQueue},
      {"drm_sched_job_run", KernelEv::SchedJobRun},
      {"drm_sched_job_done", KernelEv::SchedJobDone},
      {"drm_sched_job_add_dep", KernelEv::SchedAddDep},
      {"drm_sched_job_unschedulable", KernelEv::SchedUnschedulable},
      {"amdgpu_cs_ioctl", KernelEv::AmdgpuCsIoctl},
      {"amdgpu_sched_run_job", KernelEv::AmdgpuRunJob},
      {"i915_request_add", KernelEv::I915RequestAdd},
      {"i915_request_in", KernelEv::I915RequestIn},
      {"i915_request_out", KernelEv::I915RequestOut},
      {"i915_request_wait_begin", KernelEv::I915RequestWaitBegin},
      {"i915_request_wait_end", KernelEv::I915RequestWaitEnd},
      {"xe_sched_job_run", KernelEv::XeJobRun},
      {"xe_sched_job_free", KernelEv::XeJobFree},
      {"xe_hw_fence_create", KernelEv::XeHwFenceCreate},
      {"xe_hw_fence_signal", KernelEv::XeHwFenceSignal},
  };
  auto it = table.find(name);
  return it == table.end() ? KernelEv::Unknown : it->second;
}

namespace {

// Value of "key=VALUE" in fields (VALUE ends at a space or comma), searched
// from `from`; empty when absent.
std::string_view field(std::string_view fields, std::string_view key, size_t from = 0) {
  for (size_t at = fields.find(key, from); at != std::string_view::npos;
       at = fields.find(key, at + 1)) {
    if (at > 0 && fields[at - 1] != ' ' && fields[at - 1] != ',')
      continue;
    if (at + key.size() >= fields.size() || fields[at + key.size()] != '=')
      continue;
    std::string_view v = fields.substr(at + key.size() + 1);
    size_t end = v.find_first_of(" ,");
    return v.substr(0, end);
  }
  return {};
}

// "CTX:SEQNO"
bool parse_ctx_seq(std::string_view s, uint64_t *ctx, uint64_t *seq) {
  size_t colon = s.find(':');
  return colon != std::string_view::npos && parse_dec(s.substr(0, colon), ctx) &&
         parse_dec(s.substr(colon + 1), seq);
}

// A pointer as tracefs (hashed, no 0x), trace-cmd or perf (0x...) print it;
// "(____ptrval____)" and "(null)" read as 0.
bool parse_pointer(std::string_view s, uint64_t *out) {
  if (!s.empty() && s.front() == '(') {
    *out = 0;
    return s.back() == ')';
  }
  return parse_hex(s, out);
}

bool fail(const char **error, const char *what) {
  *error = what;
  return false;
}

// "driver=%s timeline=%s context=%u seqno=%u": names may hold spaces, so
// the numbers are found from the end.
bool dma_fence(std::string_view f, KernelEvent *out, const char **error) {
  size_t c_at = f.rfind(" context=");
  size_t s_at = f.rfind(" seqno=");
  size_t t_at = f.find("timeline=");
  if (c_at == std::string_view::npos || s_at == std::string_view::npos || s_at < c_at ||
      !parse_dec(trim(f.substr(c_at + 9, s_at - c_at - 9)), &out->ctx) ||
      !parse_dec(trim(f.substr(s_at + 7)), &out->seq))
    return fail(error, "expected 'driver=D timeline=T context=C seqno=S'");
  out->has_fence = true;
  if (f.compare(0, 7, "driver=") == 0 && t_at != std::string_view::npos && t_at < c_at &&
      t_at > 7) {
    out->driver = trim(f.substr(7, t_at - 7));
    out->timeline = trim(f.substr(t_at + 9, c_at - t_at - 9));
  }
  return true;
}

// lock_acquire "%p %s%s%s" (address, "try ", "read ", name); lock_release
// "%p %s"; contention_begin "%p (flags=%s)", contention_end "%p (ret=%d)".
bool lock(KernelEv ev, std::string_view f, KernelEvent *out, const char **error) {
  size_t sp = f.find(' ');
  if (!parse_pointer(f.substr(0, sp), &out->ptr))
    return fail(error, "expected a lock address");
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : trim(f.substr(sp));
  if (ev == KernelEv::ContentionBegin || ev == KernelEv::ContentionEnd) {
    out->read = rest.find("READ") != std::string_view::npos;
    return true;
  }
  if (ev == KernelEv::LockAcquire) {
    if (rest.substr(0, 4) == "try ") {
      out->is_try = true;
      rest = rest.substr(4);
    }
    if (rest.substr(0, 5) == "read ") {
      out->read = true;
      rest = rest.substr(5);
    }
  }
  out->name = trim(rest);
  if (out->name.empty())
    return fail(error, "expected a lock name after the address");
  if (out->name.size() > ClassNamer::kMaxName)
    return fail(error, "lock name longer than 512 bytes");
  return true;
}

// amdgpu_cs_ioctl / amdgpu_sched_run_job: "sched_job=%llu, timeline=%s,
// context=%u, seqno=%u, ring_name=%s, num_ibs=%u"; the fence is the job's
// finished fence. Old kernels print ring_name as a pointer: the timeline
// names the ring then.
bool amdgpu_job(std::string_view f, KernelEvent *out, const char **error) {
  if (!parse_dec(field(f, "sched_job"), &out->id) || !parse_dec(field(f, "context"), &out->ctx) ||
      !parse_dec(field(f, "seqno"), &out->seq))
    return fail(error, "expected 'sched_job=N, timeline=T, context=C, seqno=S, ring_name=R'");
  out->has_fence = true;
  out->timeline = field(f, "timeline");
  std::string_view ring = field(f, "ring_name");
  uint64_t ptr;
  out->name = ring.empty() || parse_hex(ring, &ptr) ? out->timeline : ring;
  return true;
}

// i915_request_*: "dev=%u, engine=%u:%u, ctx=%llu, seqno=%u, ..."
bool i915_request(std::string_view f, KernelEvent *out, const char **error) {
  out->name = field(f, "engine");
  if (out->name.empty() || !parse_dec(field(f, "ctx"), &out->ctx) ||
      !parse_dec(field(f, "seqno"), &out->seq))
    return fail(error, "expected 'dev=D, engine=C:I, ctx=N, seqno=S, ...'");
  out->has_fence = true;
  out->driver = field(f, "dev");
  return true;
}

// xe_sched_job_*: "dev=%s, fence=%p, seqno=%u, lrc_seqno=%u, guc_id=%d, ..."
bool xe_job(std::string_view f, KernelEvent *out, const char **error) {
  out->name = field(f, "dev");
  if (!parse_pointer(field(f, "fence"), &out->ptr) || !parse_dec(field(f, "seqno"), &out->seq) ||
      !parse_dec(field(f, "guc_id"), &out->id))
    return fail(error, "expected 'dev=D, fence=P, seqno=S, lrc_seqno=L, guc_id=G, ...'");
  return true;
}

// xe_hw_fence_*: "dev=%s, ctx=0x%016llx, fence=%p, seqno=%u"
bool xe_hw_fence(std::string_view f, KernelEvent *out, const char **error) {
  out->name = field(f, "dev");
  if (!parse_hex(field(f, "ctx"), &out->ctx) || !parse_pointer(field(f, "fence"), &out->ptr) ||
      !parse_dec(field(f, "seqno"), &out->seq))
    return fail(error, "expected 'dev=D, ctx=0xC, fence=P, seqno=S'");
  out->has_fence = true;
  return true;
}

} // namespace

bool decode_kernel_fields(KernelEv ev, std::string_view f, KernelEvent *out, const char **error) {
  switch (ev) {
  case KernelEv::FenceInit:
  case KernelEv::FenceEmit:
  case KernelEv::FenceEnableSignal:
  case KernelEv::FenceSignaled:
  case KernelEv::FenceWaitStart:
  case KernelEv::FenceWaitEnd:
  case KernelEv::FenceDestroy:
    return dma_fence(f, out, error);
  case KernelEv::LockAcquire:
  case KernelEv::LockRelease:
  case KernelEv::ContentionBegin:
  case KernelEv::ContentionEnd:
    return lock(ev, f, out, error);
  case KernelEv::SchedJob:
  case KernelEv::SchedRunJob:
    // "entity=%p, id=%llu, fence=%p, ring=%s, job count:%u, hw job count:%d"
    out->name = field(f, "ring");
    if (!parse_dec(field(f, "id"), &out->id) || !parse_pointer(field(f, "fence"), &out->ptr) ||
        out->name.empty())
      return fail(error, "expected 'entity=P, id=N, fence=P, ring=NAME, ...'");
    if (!parse_pointer(field(f, "entity"), &out->ptr2))
      out->ptr2 = 0;
    return true;
  case KernelEv::SchedProcessJob:
    // "fence=%p signaled"
    if (!parse_pointer(field(f, "fence"), &out->ptr))
      return fail(error, "expected 'fence=P signaled'");
    return true;
  case KernelEv::SchedWaitDep:
    // "job ring=%s, id=%llu, depends fence=%p, context=%llu, seq=%u"
    out->name = field(f, "ring");
    if (out->name.empty() || !parse_dec(field(f, "id"), &out->id) ||
        !parse_pointer(field(f, "fence"), &out->ptr2) ||
        !parse_dec(field(f, "context"), &out->ctx2) || !parse_dec(field(f, "seq"), &out->seq2))
      return fail(error, "expected 'job ring=R, id=N, depends fence=P, context=C, seq=S'");
    return true;
  case KernelEv::SchedJobQueue:
  case KernelEv::SchedJobRun:
    // "dev=%s, fence=%llu:%llu, ring=%s, job count:%u, hw job count:%d, client_id:%llu"
    out->name = field(f, "ring");
    if (!parse_ctx_seq(field(f, "fence"), &out->ctx, &out->seq) || out->name.empty())
      return fail(error, "expected 'dev=D, fence=C:S, ring=NAME, ...'");
    out->has_fence = true;
    return true;
  case KernelEv::SchedJobDone:
    // "fence=%llu:%llu signaled"
    if (!parse_ctx_seq(field(f, "fence"), &out->ctx, &out->seq))
      return fail(error, "expected 'fence=C:S signaled'");
    out->has_fence = true;
    return true;
  case KernelEv::SchedAddDep:
  case KernelEv::SchedUnschedulable: {
    // "fence=%llu:%llu depends on [unsignalled ]fence=%llu:%llu"
    size_t on = f.find(" depends on ");
    if (on == std::string_view::npos ||
        !parse_ctx_seq(field(f, "fence"), &out->ctx, &out->seq) ||
        !parse_ctx_seq(field(f, "fence", on), &out->ctx2, &out->seq2))
      return fail(error, "expected 'fence=C:S depends on fence=C:S'");
    out->has_fence = true;
    return true;
  }
  case KernelEv::AmdgpuCsIoctl:
  case KernelEv::AmdgpuRunJob:
    return amdgpu_job(f, out, error);
  case KernelEv::I915RequestAdd:
  case KernelEv::I915RequestIn:
  case KernelEv::I915RequestOut:
  case KernelEv::I915RequestWaitBegin:
  case KernelEv::I915RequestWaitEnd:
    return i915_request(f, out, error);
  case KernelEv::XeJobRun:
  case KernelEv::XeJobFree:
    return xe_job(f, out, error);
  case KernelEv::XeHwFenceCreate:
  case KernelEv::XeHwFenceSignal:
    return xe_hw_fence(f, out, error);
  case KernelEv::Unknown:
    break;
  }
  return true;
}

} // namespace fencedep
