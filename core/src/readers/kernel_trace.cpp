// Kernel trace events into model events, with per-task state: which lockdep
// pseudo-maps each task holds, which interrupt context it runs in, and what
// the trace told us about each fence context and scheduler job.
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "fencedep/core/kernel_trace.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace fencedep {

namespace {

enum class Ev {
  Unknown,
  FenceInit,
  FenceEmit,
  FenceEnableSignal,
  FenceSignaled,
  FenceWaitStart,
  FenceWaitEnd,
  FenceDestroy,
  LockAcquire,
  LockRelease,
  ContentionBegin,
  ContentionEnd,
  // gpu_scheduler up to 6.16
  SchedJob,
  SchedRunJob,
  SchedProcessJob,
  SchedWaitDep,
  // gpu_scheduler from 6.17
  SchedJobQueue,
  SchedJobRun,
  SchedJobDone,
  SchedAddDep,
  SchedUnschedulable,
};

Ev event_id(std::string_view name) {
  // Lock events are most of a lockdep trace: decided without hashing.
  if (name.size() == 12 && name.compare(0, 5, "lock_") == 0) {
    if (name == "lock_acquire")
      return Ev::LockAcquire;
    if (name == "lock_release")
      return Ev::LockRelease;
  }
  static const std::unordered_map<std::string_view, Ev> table = {
      {"dma_fence_init", Ev::FenceInit},
      {"dma_fence_emit", Ev::FenceEmit},
      {"dma_fence_enable_signal", Ev::FenceEnableSignal},
      {"dma_fence_signaled", Ev::FenceSignaled},
      {"dma_fence_wait_start", Ev::FenceWaitStart},
      {"dma_fence_wait_end", Ev::FenceWaitEnd},
      {"dma_fence_destroy", Ev::FenceDestroy},
      {"lock_acquire", Ev::LockAcquire},
      {"lock_release", Ev::LockRelease},
      {"contention_begin", Ev::ContentionBegin},
      {"contention_end", Ev::ContentionEnd},
      {"drm_sched_job", Ev::SchedJob},
      {"drm_run_job", Ev::SchedRunJob},
      {"drm_sched_process_job", Ev::SchedProcessJob},
      {"drm_sched_job_wait_dep", Ev::SchedWaitDep},
      {"drm_sched_job_queue", Ev::SchedJobQueue},
      {"drm_sched_job_run", Ev::SchedJobRun},
      {"drm_sched_job_done", Ev::SchedJobDone},
      {"drm_sched_job_add_dep", Ev::SchedAddDep},
      {"drm_sched_job_unschedulable", Ev::SchedUnschedulable},
  };
  auto it = table.find(name);
  return it == table.end() ? Ev::Unknown : it->second;
}

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

constexpr uint32_t kIrqTidBase = 0xfe000000u; // synthetic tids of interrupt contexts

struct Task {
  std::vector<uint8_t> fence_map; // open dma_fence_map acquisitions: 1 section, 0 might-wait
  uint32_t mm_depth = 0;          // open fs_reclaim / mmu_notifier maps
  bool named = false;
};

struct FenceTimeline {
  ClassId cls = kNoClass;
  bool placeholder = true;
};

class KernelReader {
public:
  KernelReader(const char *data, size_t size, const ReaderContext &ctx)
      : data_(data), size_(size), ctx_(ctx), names_(*ctx.engine) {
    salt_ = mix64(0x6b65726eull + ctx.trace);
  }
  ReaderStats run();

private:
  bool handle(const KernelLine &l, uint64_t line_no);
  void emit(ModelEvent &e) {
    ctx_.sink->event(e);
    ++st_.used;
  }
  uint64_t inst(uint64_t raw, uint64_t kind) const {
    uint64_t v = mix64(raw * 0x9e3779b97f4a7c15ull + kind) ^ salt_;
    return v ? v : 1;
  }
  uint64_t fence_inst(uint64_t ctx, uint64_t seq) const { return inst(ctx * 0x100000001b3ull ^ seq, 1); }
  uint64_t pointer_inst(uint64_t ptr) const { return inst(ptr, 2); }
  ClassId fence_class(uint64_t ctx);
  void learn_timeline(uint64_t ctx, std::string_view driver, std::string_view timeline);
  ClassId ring_class(std::string_view ring);
  void prescan_job_rings();
  bool dma_fence(Ev ev, ModelEvent &e, std::string_view f, uint64_t line_no);
  bool lock(Ev ev, ModelEvent &e, Task &task, std::string_view f, uint64_t line_no);
  bool sched(Ev ev, ModelEvent &e, std::string_view f, uint64_t line_no);
  bool bad(uint64_t line_no, std::string_view what) {
    return reader_bad_line(ctx_, st_, line_no, what);
  }

  const char *data_;
  size_t size_;
  const ReaderContext &ctx_;
  ReaderStats st_;
  ClassNamer names_;
  uint64_t salt_;
  ClassId fence_map_ = kNoClass;
  std::unordered_map<uint32_t, Task> tasks_; // nodes: pointers stay valid
  uint32_t last_tid_ = 0;
  Task *last_task_ = nullptr;
  // A lock's class is its lockdep name. Per-object locks give one name
  // many addresses, so the cache is keyed by the name's 64-bit hash (a
  // collision of two names is a 2^-64 event) and spares the hash-map lookup
  // of the name on almost every line.
  struct LockCacheEntry {
    uint64_t name_hash = 0;
    ClassId cls = kNoClass;
  };
  std::vector<LockCacheEntry> lock_cache_ = std::vector<LockCacheEntry>(1u << 15);
  ClassId lock_class(std::string_view name);
  std::unordered_map<uint64_t, FenceTimeline> timelines_; // fence context -> class
  std::vector<uint8_t> cpu_in_irq_;
  // Up to 6.16 the scheduler names jobs by ring + id and fences by pointer.
  std::unordered_map<std::string, uint64_t> job_fence_;   // "ring#id" -> fence pointer
  std::unordered_map<uint64_t, ClassId> pointer_class_;   // fence pointer -> ring class
  // The last job queued on each entity (6.16: by entity pointer) or fence
  // context (6.17): an entity's jobs run in order, so each one's fence also
  // awaits the one before.
  std::unordered_map<uint64_t, uint64_t> last_queued_;
  void queued_in_order(ModelEvent &e, uint64_t key, uint64_t inst);
};

ClassId KernelReader::fence_class(uint64_t ctx) {
  FenceTimeline &t = timelines_[ctx];
  if (t.cls == kNoClass)
    t.cls = names_.get(ClassKind::Fence, "dma_fence context " + std::to_string(ctx));
  return t.cls;
}

// A context keeps the class its fences had while their names were still
// readable: after signalling the kernel prints placeholder names.
void KernelReader::learn_timeline(uint64_t ctx, std::string_view driver,
                                  std::string_view timeline) {
  if (driver.empty() || driver == "detached-driver" || timeline == "signaled-timeline")
    return;
  FenceTimeline &t = timelines_[ctx];
  if (!t.placeholder && t.cls != kNoClass)
    return;
  std::string name;
  name.reserve(driver.size() + timeline.size() + 1);
  name.append(driver).append(":").append(timeline);
  ClassId c = names_.get(ClassKind::Fence, name);
  if (c == kNoClass)
    return;
  t.cls = c;
  t.placeholder = false;
}

ClassId KernelReader::ring_class(std::string_view ring) {
  std::string name = "drm_sched:";
  name.append(ring);
  return names_.get(ClassKind::Fence, name);
}

// From 6.17 a job's dependencies are added before the job is queued, the
// event that names its ring: learn every job's ring first, so that an await
// names both fences' classes whatever the order.
void KernelReader::prescan_job_rings() {
  static const char kAddDep[] = "drm_sched_job_add_dep";
  static const char kQueue[] = "drm_sched_job_queue";
  if (!memmem(data_, size_, kAddDep, sizeof kAddDep - 1))
    return;
  const char *p = data_, *end = data_ + size_;
  while (const char *hit = static_cast<const char *>(
             memmem(p, size_t(end - p), kQueue, sizeof kQueue - 1))) {
    const char *bol = hit;
    while (bol > data_ && bol[-1] != '\n')
      --bol;
    const char *eol = static_cast<const char *>(std::memchr(hit, '\n', size_t(end - hit)));
    if (!eol)
      eol = end;
    p = eol;
    KernelLine l;
    const char *err;
    uint64_t lost, ctx, seq;
    if (parse_kernel_line(std::string_view(bol, size_t(eol - bol)), &l, &err, &lost) !=
            KernelLineKind::Event ||
        l.event != kQueue)
      continue;
    std::string_view ring = field(l.fields, "ring");
    if (parse_ctx_seq(field(l.fields, "fence"), &ctx, &seq) && !ring.empty())
      learn_timeline(ctx, "drm_sched", ring);
  }
}

bool KernelReader::dma_fence(Ev ev, ModelEvent &e, std::string_view f, uint64_t line_no) {
  // "driver=%s timeline=%s context=%u seqno=%u": names may hold spaces, so
  // the numbers are found from the end.
  size_t c_at = f.rfind(" context=");
  size_t s_at = f.rfind(" seqno=");
  size_t t_at = f.find("timeline=");
  uint64_t ctx, seq;
  if (c_at == std::string_view::npos || s_at == std::string_view::npos || s_at < c_at ||
      !parse_dec(trim(f.substr(c_at + 9, s_at - c_at - 9)), &ctx) ||
      !parse_dec(trim(f.substr(s_at + 7)), &seq))
    return bad(line_no, "expected 'driver=D timeline=T context=C seqno=S'");
  if (f.compare(0, 7, "driver=") == 0 && t_at != std::string_view::npos && t_at < c_at && t_at > 7)
    learn_timeline(ctx, trim(f.substr(7, t_at - 7)), trim(f.substr(t_at + 9, c_at - t_at - 9)));
  e.cls = fence_class(ctx);
  e.inst = fence_inst(ctx, seq);
  switch (ev) {
  case Ev::FenceInit:
  case Ev::FenceDestroy:
    e.op = ModelOp::FenceInit;
    break;
  case Ev::FenceSignaled:
    e.op = ModelOp::Signal;
    break;
  case Ev::FenceWaitStart:
    e.op = ModelOp::WaitBegin;
    break;
  case Ev::FenceWaitEnd:
    e.op = ModelOp::WaitEnd;
    e.one_shot = true;
    break;
  default:
    return true; // emit / enable_signal: names learnt, nothing to model
  }
  emit(e);
  return true;
}

bool KernelReader::lock(Ev ev, ModelEvent &e, Task &task, std::string_view f, uint64_t line_no) {
  std::string_view rest = f;
  size_t sp = rest.find(' ');
  uint64_t ptr;
  if (!parse_pointer(rest.substr(0, sp), &ptr))
    return bad(line_no, "expected a lock address");
  rest = sp == std::string_view::npos ? std::string_view() : trim(rest.substr(sp));
  if (ev == Ev::ContentionBegin || ev == Ev::ContentionEnd) {
    e.op = ev == Ev::ContentionBegin ? ModelOp::ContentionBegin : ModelOp::ContentionEnd;
    e.inst = pointer_inst(ptr);
    e.read = rest.find("READ") != std::string_view::npos;
    emit(e);
    return true;
  }
  bool is_try = false, read = false;
  if (ev == Ev::LockAcquire) {
    // "%p %s%s%s": address, "try ", "read ", name.
    if (rest.substr(0, 4) == "try ") {
      is_try = true;
      rest = rest.substr(4);
    }
    if (rest.substr(0, 5) == "read ") {
      read = true;
      rest = rest.substr(5);
    }
  }
  std::string_view name = trim(rest);
  if (name.empty())
    return bad(line_no, "expected a lock name after the address");
  if (name.size() > ClassNamer::kMaxName)
    return bad(line_no, "lock name longer than 512 bytes");
  e.inst = pointer_inst(ptr ? ptr : hash_bytes(name.data(), name.size()));
  e.read = read;
  e.is_try = is_try;
  bool acquire = ev == Ev::LockAcquire;
  // lockdep's pseudo-locks are contexts of the model, not locks.
  if (name == "dma_fence_map") {
    // lockdep's one class for all fence signalling.
    if (fence_map_ == kNoClass)
      fence_map_ = names_.get(ClassKind::Fence, "dma_fence_map");
    e.cls = fence_map_;
    if (acquire) {
      // dma_fence_begin_signalling takes it for read; __dma_fence_might_wait
      // (every dma_fence_wait) takes and drops it for write.
      task.fence_map.push_back(read ? 1 : 0);
      e.op = read ? ModelOp::SectionBegin : ModelOp::WaitBegin;
      emit(e);
      return true;
    }
    if (task.fence_map.empty())
      return true; // taken before the trace started
    bool section = task.fence_map.back();
    task.fence_map.pop_back();
    if (section) {
      e.op = ModelOp::SectionEnd;
      emit(e);
    }
    return true;
  }
  if (name == "fs_reclaim" || name == "mmu_notifier_invalidate_range_start") {
    e.cls = ctx_.engine->reclaim_class();
    if (acquire) {
      ++task.mm_depth;
      e.op = ModelOp::MmBegin;
      e.label = name == "fs_reclaim" ? "fs_reclaim" : "mmu_notifier";
      emit(e);
    } else if (task.mm_depth) {
      --task.mm_depth;
      e.op = ModelOp::MmEnd;
      emit(e);
    }
    return true;
  }
  if (!acquire) {
    e.op = ModelOp::Release;
    emit(e);
    return true;
  }
  // One class per lockdep name whatever the mode: read and write holds of
  // an rwsem are the same lock.
  e.cls = lock_class(name);
  e.op = ModelOp::Acquire;
  emit(e);
  return true;
}

ClassId KernelReader::lock_class(std::string_view name) {
  uint64_t h = XXH3_64bits(name.data(), name.size());
  LockCacheEntry &slot = lock_cache_[h & (lock_cache_.size() - 1)];
  if (slot.name_hash == h && slot.cls != kNoClass)
    return slot.cls;
  // Locks on memory-management paths (the LR rules' "mm" tag).
  uint32_t flags = 0;
  if (name.find("mmap_lock") != name.npos || name.find("mmap_sem") != name.npos ||
      name.find("i_mmap") != name.npos)
    flags = kClassMm;
  ClassId c = names_.get(ClassKind::UserLock, name, flags);
  slot.name_hash = h;
  slot.cls = c;
  return c;
}

// The timeline order as an await: a dependency on a later fence of the same
// timeline closes an instance cycle through it.
void KernelReader::queued_in_order(ModelEvent &e, uint64_t key, uint64_t inst) {
  uint64_t &last = last_queued_[key];
  if (last && last != inst) {
    ModelEvent a = e;
    a.op = ModelOp::Await;
    a.inst = inst;
    a.cls2 = e.cls;
    a.inst2 = last;
    emit(a);
  }
  last = inst;
}

bool KernelReader::sched(Ev ev, ModelEvent &e, std::string_view f, uint64_t line_no) {
  uint64_t ctx, seq, ctx2, seq2, ptr, id;
  switch (ev) {
  case Ev::SchedJob:
  case Ev::SchedRunJob: {
    // "entity=%p, id=%llu, fence=%p, ring=%s, job count:%u, hw job count:%d"
    std::string_view ring = field(f, "ring");
    if (!parse_dec(field(f, "id"), &id) || !parse_pointer(field(f, "fence"), &ptr) ||
        ring.empty())
      return bad(line_no, "expected 'entity=P, id=N, fence=P, ring=NAME, ...'");
    ClassId c = ring_class(ring);
    pointer_class_[ptr] = c;
    job_fence_[std::string(ring) + "#" + std::to_string(id)] = ptr;
    if (ev == Ev::SchedJob) {
      uint64_t entity;
      e.cls = c;
      if (parse_pointer(field(f, "entity"), &entity) && entity)
        queued_in_order(e, inst(entity, 4), pointer_inst(ptr));
      return true;
    }
    e.op = ModelOp::JobRun;
    e.cls = c;
    e.inst = pointer_inst(ptr);
    emit(e);
    return true;
  }
  case Ev::SchedProcessJob: {
    // "fence=%p signaled"
    if (!parse_pointer(field(f, "fence"), &ptr))
      return bad(line_no, "expected 'fence=P signaled'");
    auto it = pointer_class_.find(ptr);
    e.cls = it == pointer_class_.end() ? names_.get(ClassKind::Fence, "drm_sched") : it->second;
    e.inst = pointer_inst(ptr);
    e.op = ModelOp::Signal;
    emit(e);
    e.op = ModelOp::JobDone;
    emit(e);
    return true;
  }
  case Ev::SchedWaitDep: {
    // "job ring=%s, id=%llu, depends fence=%p, context=%llu, seq=%llu"
    std::string_view ring = field(f, "ring");
    uint64_t dep;
    if (ring.empty() || !parse_dec(field(f, "id"), &id) ||
        !parse_pointer(field(f, "fence"), &dep) || !parse_dec(field(f, "context"), &ctx) ||
        !parse_dec(field(f, "seq"), &seq))
      return bad(line_no, "expected 'job ring=R, id=N, depends fence=P, context=C, seq=S'");
    std::string job = std::string(ring) + "#" + std::to_string(id);
    auto jf = job_fence_.find(job);
    e.cls = ring_class(ring);
    e.inst = jf != job_fence_.end() ? pointer_inst(jf->second) : inst(hash_bytes(job.data(), job.size()), 3);
    // A scheduler fence seen before is known by its pointer; any other by
    // context:seqno, as dma_fence events name it.
    auto pc = pointer_class_.find(dep);
    if (pc != pointer_class_.end()) {
      e.cls2 = pc->second;
      e.inst2 = pointer_inst(dep);
    } else {
      e.cls2 = fence_class(ctx);
      e.inst2 = fence_inst(ctx, seq);
    }
    e.op = ModelOp::Await;
    emit(e);
    return true;
  }
  case Ev::SchedJobQueue:
  case Ev::SchedJobRun: {
    // "dev=%s, fence=%llu:%llu, ring=%s, job count:%u, hw job count:%d, client_id:%llu"
    std::string_view ring = field(f, "ring");
    if (!parse_ctx_seq(field(f, "fence"), &ctx, &seq) || ring.empty())
      return bad(line_no, "expected 'dev=D, fence=C:S, ring=NAME, ...'");
    learn_timeline(ctx, "drm_sched", ring);
    if (ev == Ev::SchedJobQueue) {
      e.cls = fence_class(ctx);
      queued_in_order(e, inst(ctx, 5), fence_inst(ctx, seq));
      return true;
    }
    e.op = ModelOp::JobRun;
    e.cls = fence_class(ctx);
    e.inst = fence_inst(ctx, seq);
    emit(e);
    return true;
  }
  case Ev::SchedJobDone:
    // "fence=%llu:%llu signaled"
    if (!parse_ctx_seq(field(f, "fence"), &ctx, &seq))
      return bad(line_no, "expected 'fence=C:S signaled'");
    e.cls = fence_class(ctx);
    e.inst = fence_inst(ctx, seq);
    e.op = ModelOp::Signal;
    emit(e);
    e.op = ModelOp::JobDone;
    emit(e);
    return true;
  case Ev::SchedAddDep:
  case Ev::SchedUnschedulable: {
    // "fence=%llu:%llu depends on [unsignalled ]fence=%llu:%llu"
    size_t on = f.find(" depends on ");
    if (on == std::string_view::npos || !parse_ctx_seq(field(f, "fence"), &ctx, &seq) ||
        !parse_ctx_seq(field(f, "fence", on), &ctx2, &seq2))
      return bad(line_no, "expected 'fence=C:S depends on fence=C:S'");
    if (ev == Ev::SchedUnschedulable)
      return true; // the dependency was recorded when it was added
    e.op = ModelOp::Await;
    e.cls = fence_class(ctx);
    e.inst = fence_inst(ctx, seq);
    e.cls2 = fence_class(ctx2);
    e.inst2 = fence_inst(ctx2, seq2);
    emit(e);
    return true;
  }
  default:
    return true;
  }
}

bool KernelReader::handle(const KernelLine &l, uint64_t line_no) {
  Ev ev = event_id(l.event);
  if (ev == Ev::Unknown) {
    st_.skip(l.event);
    return true;
  }
  ModelEvent e;
  e.trace = ctx_.trace;
  e.ts_ns = l.ts_ns;
  e.pc = text_location(ctx_.trace, line_no);
  // Interrupt handlers run on whatever task they interrupted: with a flag
  // column they get a context of their own per CPU, started afresh at each
  // interrupt.
  bool irq = l.flags.size() >= 3 && l.flags[2] != '.';
  if (irq) {
    e.tid = kIrqTidBase + l.cpu;
    e.pid = 0;
    if (l.cpu >= cpu_in_irq_.size())
      cpu_in_irq_.resize(l.cpu + 1, 0);
    if (!cpu_in_irq_[l.cpu]) {
      cpu_in_irq_[l.cpu] = 1;
      tasks_.erase(e.tid);
      last_task_ = nullptr;
      ctx_.sink->thread_name(ctx_.trace, 0, e.tid, "irq/" + std::to_string(l.cpu));
      ModelEvent reset = e;
      reset.op = ModelOp::ContextReset;
      emit(reset);
    }
  } else {
    e.tid = l.pid;
    e.pid = l.tgid >= 0 ? uint32_t(l.tgid) : l.pid;
    if (l.cpu < cpu_in_irq_.size())
      cpu_in_irq_[l.cpu] = 0;
  }
  if (e.tid != last_tid_ || !last_task_) {
    last_task_ = &tasks_[e.tid];
    last_tid_ = e.tid;
  }
  Task &task = *last_task_;
  if (!task.named && !irq && l.task != "<...>") {
    task.named = true;
    ctx_.sink->thread_name(ctx_.trace, e.pid, e.tid, l.task);
  }
  switch (ev) {
  case Ev::FenceInit:
  case Ev::FenceEmit:
  case Ev::FenceEnableSignal:
  case Ev::FenceSignaled:
  case Ev::FenceWaitStart:
  case Ev::FenceWaitEnd:
  case Ev::FenceDestroy:
    return dma_fence(ev, e, l.fields, line_no);
  case Ev::LockAcquire:
  case Ev::LockRelease:
  case Ev::ContentionBegin:
  case Ev::ContentionEnd:
    return lock(ev, e, task, l.fields, line_no);
  default:
    return sched(ev, e, l.fields, line_no);
  }
}

ReaderStats KernelReader::run() {
  prescan_job_rings();
  LineCursor cur(data_, size_);
  std::string_view line;
  bool complete;
  KernelLine l;
  while (cur.next(&line, &complete)) {
    uint64_t n = cur.number();
    if ((n - 1) % ReaderStats::kIndexStride == 0) {
      st_.line_index.push_back(cur.offset());
      if (ctx_.progress && (n - 1) % ReaderStats::kProgressStride == 0)
        ctx_.progress(cur.consumed());
    }
    ++st_.lines;
    const char *err = nullptr;
    uint64_t lost = 0;
    switch (parse_kernel_line(line, &l, &err, &lost)) {
    case KernelLineKind::Ignored:
      continue;
    case KernelLineKind::Lost:
      st_.lost_events += lost;
      st_.partial = true;
      continue;
    case KernelLineKind::Bad:
      if (!complete) {
        // A write cut short: what came before stands.
        st_.partial = true;
        st_.errors.push_back(ctx_.name + ":" + std::to_string(n) + ": last line cut short");
        ++st_.bad_lines;
        break;
      }
      if (!bad(n, err))
        return std::move(st_);
      continue;
    case KernelLineKind::Event:
      ++st_.events;
      if (!handle(l, n))
        return std::move(st_);
      continue;
    }
  }
  if (ctx_.progress)
    ctx_.progress(size_);
  return std::move(st_);
}

} // namespace

ReaderStats read_kernel_trace(const char *data, size_t size, const ReaderContext &ctx) {
  KernelReader r(data, size, ctx);
  return r.run();
}

} // namespace fencedep
