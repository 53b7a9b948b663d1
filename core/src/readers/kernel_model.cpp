// Kernel events into model events, whatever they were read from (text or
// trace.dat), with per-task state: which lockdep pseudo-maps each task
// holds, which interrupt context it runs in, what each open signalling
// section took, and what the trace told about each fence context and job.
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fencedep/core/kernel_trace.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace fencedep {

namespace {

// Synthetic tids: interrupt contexts (per CPU and level), and the thread
// that replays signalling sections per timeline. The timeline leaves the
// latter out: it only adds edges.
constexpr uint32_t kIrqTidBase = 0xfe000000u;
constexpr uint32_t kSectionReplayTid = 0xfd000000u;
// What one section remembers, at most: lockdep's held-lock depth.
constexpr size_t kMaxSectionItems = 48;

enum class Role : uint8_t { Plain, Scheduled, Finished };

// What a dma_fence_map signalling section took, and which fence classes
// were signalled inside it.
struct Section {
  struct Item {
    ModelOp op; // Acquire, WaitBegin or MmBegin
    ClassId cls;
    uint64_t inst;
    bool read;
    uint64_t pc;
    const char *label;
  };
  std::vector<Item> items;
  std::vector<ClassId> signalled;
};

struct Task {
  std::vector<uint8_t> fence_map; // open dma_fence_map acquisitions: 1 section, 0 might-wait
  std::vector<Section> sections;  // the open signalling sections, innermost last
  uint32_t mm_depth = 0;          // open fs_reclaim / mmu_notifier maps
  uint32_t held = 0;              // locks taken and not yet released
  bool named = false;
};

struct Timeline {
  ClassId cls = kNoClass;
  uint8_t strength = 0; // name from: 0 nothing, 1 a job event, 2 dma_fence events
  bool sched = false;   // a GPU scheduler's fence: scheduled or finished
  Role role = Role::Plain;
  bool role_known = false; // said by a job event, not guessed
  bool looked_ahead = false;
  std::string base;        // "driver:timeline"
};

bool is_sched_driver(std::string_view driver) {
  // amd_sched: amdgpu's own scheduler, before it became drm/scheduler.
  return driver == "drm_sched" || driver == "amd_sched";
}

} // namespace

struct KernelModel::Impl {
  Impl(const ReaderContext &c, ReaderStats &s) : ctx(c), st(s), names(*c.engine) {
    salt = mix64(0x6b65726eull + c.trace);
  }

  const ReaderContext &ctx;
  ReaderStats &st;
  ClassNamer names;
  uint64_t salt;
  ClassId fence_map = kNoClass;
  std::unordered_map<uint32_t, Task> tasks; // nodes: pointers stay valid
  uint32_t last_tid = 0;
  Task *last_task = nullptr;
  std::vector<uint8_t> cpu_level; // interrupt level each CPU is at: 0 task
  std::unordered_map<uint64_t, Timeline> timelines; // fence context -> class
  // A lock's class is its lockdep name. Per-object locks give one name
  // many addresses, so the cache is keyed by the name's 64-bit hash (a
  // collision of two names is a 2^-64 event) and spares the hash-map lookup
  // of the name on almost every line.
  struct LockCacheEntry {
    uint64_t name_hash = 0;
    ClassId cls = kNoClass;
  };
  std::vector<LockCacheEntry> lock_cache = std::vector<LockCacheEntry>(1u << 15);
  // Up to 6.16 the scheduler names jobs by ring + id and fences by pointer.
  std::unordered_map<std::string, uint64_t> job_fence;  // "ring#id" -> fence pointer
  std::unordered_map<uint64_t, ClassId> pointer_class;  // fence pointer -> ring class
  // The last job queued on each entity or fence context: an entity's jobs
  // run in order, so each one's fence also awaits the one before.
  std::unordered_map<uint64_t, uint64_t> last_queued;
  // Jobs queued on a context since one of its fences last signalled: a
  // trace whose signals fall outside its window would otherwise build an
  // await chain as long as the trace, which every await searches.
  std::unordered_map<uint64_t, uint32_t> in_flight;
  static constexpr uint32_t kMaxOrderChain = 64;
  // Jobs on the GPU: fence instance -> its ring's class, until it signals.
  std::unordered_map<uint64_t, ClassId> running;
  struct XeFence {
    uint64_t inst, shown;
  };
  std::unordered_map<uint64_t, XeFence> xe_job_fence; // xe: hw fence pointer -> its fence
  bool replay_named = false;
  KernelModel::NameLookahead lookahead;

  uint64_t inst(uint64_t raw, uint64_t kind) const {
    uint64_t v = mix64(raw * 0x9e3779b97f4a7c15ull + kind) ^ salt;
    return v ? v : 1;
  }
  uint64_t fence_inst(uint64_t c, uint64_t s) const { return inst(c * 0x100000001b3ull ^ s, 1); }
  uint64_t pointer_inst(uint64_t ptr) const { return inst(ptr, 2); }
  // What the timeline shows for a fence: context and seqno (a signal's and
  // a job's inst2 carry them, the engine does not use it there).
  static uint64_t display(uint64_t c, uint64_t s) { return (c << 32) | (s & 0xffffffffu); }

  void emit(const ModelEvent &e) {
    ctx.sink->event(e);
    ++st.used;
  }
  bool bad(uint64_t location, std::string_view what) {
    return reader_bad_line(ctx, st, text_location_line(location), what);
  }

  ClassId fence_class(uint64_t c);
  void set_class(uint64_t c, Timeline &t);
  void learn(uint64_t c, std::string_view driver, std::string_view timeline, uint8_t strength);
  void mark_finished(uint64_t c);
  bool is_finished(uint64_t c) const {
    auto it = timelines.find(c);
    return it != timelines.end() && it->second.sched && it->second.role == Role::Finished;
  }
  ClassId ring_class(std::string_view ring);
  ClassId lock_class(std::string_view name);
  void queued_in_order(ModelEvent &e, uint64_t key, uint64_t inst);
  void finished_awaits_scheduled(ModelEvent &e, uint64_t c, uint64_t s);
  void signal(ModelEvent &e, Task &task);
  void job_run(ModelEvent &e, ClassId cls, uint64_t fence, uint64_t shown, std::string_view ring);
  void record(Task &task, const Section::Item &item);
  void replay(const Section &s, const ModelEvent &at, const Task *task);

  bool dma_fence(const KernelEvent &k, ModelEvent &e, Task &task);
  bool lock(const KernelEvent &k, ModelEvent &e, Task &task);
  bool sched(const KernelEvent &k, ModelEvent &e, Task &task);
  bool driver_job(const KernelEvent &k, ModelEvent &e, Task &task);
  Task &enter(const KernelEvent &k, ModelEvent &e);
};

// --- fence classes ------------------------------------------------------------

// Classes are made when an event needs one, so that a guess revised before
// (scheduled or finished) leaves no class behind.
ClassId KernelModel::Impl::fence_class(uint64_t c) {
  Timeline &t = timelines[c];
  if (t.cls != kNoClass)
    return t.cls;
  if (t.base.empty() && !t.looked_ahead && lookahead) {
    t.looked_ahead = true;
    std::string driver, timeline;
    if (lookahead(c, &driver, &timeline))
      learn(c, driver, timeline, 2); // t stays valid: map nodes do not move
    if (t.cls != kNoClass)
      return t.cls;
  }
  if (!t.base.empty()) {
    std::string name = t.base;
    if (t.sched)
      name += t.role == Role::Finished ? " (finished)" : " (scheduled)";
    t.cls = names.get(ClassKind::Fence, name);
  }
  if (t.cls == kNoClass)
    t.cls = names.get(ClassKind::Fence, "dma_fence context " + std::to_string(c));
  return t.cls;
}

void KernelModel::Impl::set_class(uint64_t, Timeline &t) {
  if (!t.base.empty())
    t.cls = kNoClass; // named again by the next event
}

// A context keeps the class its fences had while their names were still
// readable: after signalling the kernel prints placeholder names. A
// scheduler's entity has two contexts, N for its jobs' scheduled fences and
// N + 1 for their finished fences, both with the ring's name: job events
// name the finished one; otherwise the neighbour decides, and the first
// seen of a pair is taken for the scheduled one (initialised and signalled
// first).
void KernelModel::Impl::learn(uint64_t c, std::string_view driver, std::string_view timeline,
                              uint8_t strength) {
  if (driver.empty() || driver == "detached-driver" || timeline == "signaled-timeline")
    return;
  Timeline &t = timelines[c];
  if (t.strength >= strength)
    return;
  bool sched = is_sched_driver(driver);
  std::string base;
  base.reserve(driver.size() + timeline.size() + 1);
  base.append(sched ? "drm_sched" : driver).append(":").append(timeline);
  t.base = std::move(base);
  t.strength = strength;
  if (sched && !t.sched) {
    t.sched = true;
    if (!t.role_known) {
      auto below = c ? timelines.find(c - 1) : timelines.end();
      bool finished = below != timelines.end() && below->second.sched &&
                      below->second.base == t.base && below->second.role == Role::Scheduled;
      t.role = finished ? Role::Finished : Role::Scheduled;
    }
  }
  set_class(c, t);
}

void KernelModel::Impl::mark_finished(uint64_t c) {
  Timeline &t = timelines[c];
  if (t.role_known && t.role == Role::Finished)
    return;
  t.role = Role::Finished;
  t.role_known = true;
  t.sched = true;
  set_class(c, t);
  if (c == 0)
    return;
  Timeline &s = timelines[c - 1];
  if (s.role_known || (!s.base.empty() && s.base != t.base))
    return;
  if (s.base.empty() && !t.base.empty()) {
    s.base = t.base;
    s.strength = 1;
  }
  s.role = Role::Scheduled;
  s.role_known = true;
  s.sched = true;
  set_class(c - 1, s);
}

ClassId KernelModel::Impl::ring_class(std::string_view ring) {
  // Up to 6.16 jobs name their finished fence by pointer only.
  std::string name = "drm_sched:";
  name.append(ring).append(" (finished)");
  return names.get(ClassKind::Fence, name);
}

ClassId KernelModel::Impl::lock_class(std::string_view name) {
  uint64_t h = XXH3_64bits(name.data(), name.size());
  LockCacheEntry &slot = lock_cache[h & (lock_cache.size() - 1)];
  if (slot.name_hash == h && slot.cls != kNoClass)
    return slot.cls;
  // Locks on memory-management paths (the LR rules' "mm" tag).
  uint32_t flags = 0;
  if (name.find("mmap_lock") != name.npos || name.find("mmap_sem") != name.npos ||
      name.find("i_mmap") != name.npos)
    flags = kClassMm;
  ClassId c = names.get(ClassKind::UserLock, name, flags);
  slot.name_hash = h;
  slot.cls = c;
  return c;
}

// The timeline order as an await: a dependency on a later fence of the same
// timeline closes an instance cycle through it.
void KernelModel::Impl::queued_in_order(ModelEvent &e, uint64_t key, uint64_t fence) {
  uint64_t &last = last_queued[key];
  if (last && last != fence && ++in_flight[key] <= kMaxOrderChain) {
    ModelEvent a = e;
    a.op = ModelOp::Await;
    a.inst = fence;
    a.cls2 = e.cls;
    a.inst2 = last;
    emit(a);
  }
  last = fence;
}

// A job's finished fence signals only after its scheduled fence.
void KernelModel::Impl::finished_awaits_scheduled(ModelEvent &e, uint64_t c, uint64_t s) {
  if (c == 0 || !is_finished(c))
    return;
  ModelEvent a = e;
  a.op = ModelOp::Await;
  a.cls = fence_class(c);
  a.inst = fence_inst(c, s);
  a.cls2 = fence_class(c - 1);
  a.inst2 = fence_inst(c - 1, s);
  emit(a);
}

// --- signalling sections, per timeline ---------------------------------------

void KernelModel::Impl::record(Task &task, const Section::Item &item) {
  for (Section &s : task.sections) {
    if (s.items.size() >= kMaxSectionItems)
      continue;
    bool known = false;
    for (const Section::Item &i : s.items)
      known |= i.op == item.op && i.cls == item.cls && i.read == item.read;
    if (!known)
      s.items.push_back(item);
  }
}

// lockdep has one map for all fence signalling; the kernel's sections are
// finer than that: a fence signalled inside a section depends on what that
// section took, for the fence's own class. Replayed where nothing else is
// held, each item gives exactly one edge, F -> item: on the task itself when
// the section was its outermost hold (the usual case: a work item or an
// interrupt handler), else on a thread of its own.
void KernelModel::Impl::replay(const Section &s, const ModelEvent &at, const Task *task) {
  if (s.items.empty() || s.signalled.empty())
    return;
  ModelEvent e;
  e.trace = at.trace;
  e.ts_ns = at.ts_ns;
  e.derived = true;
  if (task && !task->held && !task->mm_depth && task->fence_map.empty()) {
    e.tid = at.tid;
    e.pid = at.pid;
  } else {
    e.tid = kSectionReplayTid;
    if (!replay_named) {
      replay_named = true;
      ctx.sink->thread_name(ctx.trace, 0, kSectionReplayTid, "signalling sections per timeline");
    }
  }
  for (ClassId f : s.signalled) {
    e.op = ModelOp::SectionBegin;
    e.cls = f;
    e.inst = 0;
    e.pc = at.pc;
    emit(e);
    for (const Section::Item &i : s.items) {
      ModelEvent x = e;
      x.op = i.op;
      x.cls = i.cls;
      x.inst = i.inst;
      x.read = i.read;
      x.pc = i.pc;
      x.label = i.label;
      emit(x);
      x.op = i.op == ModelOp::Acquire   ? ModelOp::Release
             : i.op == ModelOp::MmBegin ? ModelOp::MmEnd
                                        : ModelOp::WaitEnd;
      emit(x);
    }
    e.op = ModelOp::SectionEnd;
    e.cls = f;
    emit(e);
  }
}

// --- events -------------------------------------------------------------------

void KernelModel::Impl::signal(ModelEvent &e, Task &task) {
  e.op = ModelOp::Signal;
  emit(e);
  // A signalled fence waits for nothing any more: its await links go, so
  // that the instance DAG holds the fences in flight, not every fence of a
  // long trace (each await searches it).
  ModelEvent done = e;
  done.op = ModelOp::FenceInit;
  emit(done);
  for (Section &s : task.sections) {
    bool known = false;
    for (ClassId c : s.signalled)
      known |= c == e.cls;
    if (!known && s.signalled.size() < kMaxSectionItems)
      s.signalled.push_back(e.cls);
  }
  auto job = running.find(e.inst);
  if (job == running.end())
    return;
  ModelEvent d = e;
  d.op = ModelOp::JobDone;
  d.cls = job->second;
  emit(d);
  running.erase(job);
}

void KernelModel::Impl::job_run(ModelEvent &e, ClassId cls, uint64_t fence, uint64_t shown,
                                std::string_view ring) {
  std::string label(ring);
  e.op = ModelOp::JobRun;
  e.cls = cls;
  e.inst = fence;
  e.inst2 = shown;
  e.label = label.c_str(); // the timeline copies it
  emit(e);
  e.label = nullptr;
  running[fence] = cls;
}

bool KernelModel::Impl::dma_fence(const KernelEvent &k, ModelEvent &e, Task &task) {
  learn(k.ctx, k.driver, k.timeline, 2);
  if (k.ev == KernelEv::FenceSignaled)
    in_flight.erase(inst(k.ctx, 5));
  e.cls = fence_class(k.ctx);
  e.inst = fence_inst(k.ctx, k.seq);
  e.inst2 = display(k.ctx, k.seq);
  switch (k.ev) {
  case KernelEv::FenceInit:
    e.op = ModelOp::FenceInit;
    emit(e);
    finished_awaits_scheduled(e, k.ctx, k.seq);
    return true;
  case KernelEv::FenceDestroy:
    e.op = ModelOp::FenceInit;
    break;
  case KernelEv::FenceSignaled:
    signal(e, task);
    return true;
  case KernelEv::FenceWaitStart:
    e.op = ModelOp::WaitBegin;
    e.inst2 = 0;
    emit(e);
    record(task, {ModelOp::WaitBegin, e.cls, e.inst, false, e.pc, nullptr});
    return true;
  case KernelEv::FenceWaitEnd:
    e.op = ModelOp::WaitEnd;
    e.inst2 = 0;
    e.one_shot = true;
    break;
  default:
    return true; // emit / enable_signal: names learnt, nothing to model
  }
  emit(e);
  return true;
}

bool KernelModel::Impl::lock(const KernelEvent &k, ModelEvent &e, Task &task) {
  bool acquire = k.ev == KernelEv::LockAcquire;
  if (k.ev == KernelEv::ContentionBegin || k.ev == KernelEv::ContentionEnd) {
    e.op = k.ev == KernelEv::ContentionBegin ? ModelOp::ContentionBegin : ModelOp::ContentionEnd;
    e.inst = pointer_inst(k.ptr);
    e.read = k.read;
    emit(e);
    return true;
  }
  std::string_view name = k.name;
  e.inst = pointer_inst(k.ptr ? k.ptr : hash_bytes(name.data(), name.size()));
  e.read = k.read;
  e.is_try = k.is_try;
  // lockdep's pseudo-locks are contexts of the model, not locks.
  if (name == "dma_fence_map") {
    // lockdep's one class for all fence signalling.
    if (fence_map == kNoClass)
      fence_map = names.get(ClassKind::Fence, "dma_fence_map");
    e.cls = fence_map;
    if (acquire) {
      // dma_fence_begin_signalling takes it for read; __dma_fence_might_wait
      // (every dma_fence_wait) takes and drops it for write.
      task.fence_map.push_back(k.read ? 1 : 0);
      if (k.read)
        task.sections.emplace_back();
      e.op = k.read ? ModelOp::SectionBegin : ModelOp::WaitBegin;
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
      if (!task.sections.empty()) {
        Section s = std::move(task.sections.back());
        task.sections.pop_back();
        replay(s, e, &task);
      }
    }
    return true;
  }
  if (name == "fs_reclaim" || name == "mmu_notifier_invalidate_range_start") {
    e.cls = ctx.engine->reclaim_class();
    if (acquire) {
      ++task.mm_depth;
      e.op = ModelOp::MmBegin;
      e.label = name == "fs_reclaim" ? "fs_reclaim" : "mmu_notifier";
      emit(e);
      record(task, {ModelOp::MmBegin, e.cls, e.inst, false, e.pc, e.label});
    } else if (task.mm_depth) {
      --task.mm_depth;
      e.op = ModelOp::MmEnd;
      emit(e);
    }
    return true;
  }
  if (!acquire) {
    if (task.held)
      --task.held;
    e.op = ModelOp::Release;
    emit(e);
    return true;
  }
  ++task.held;
  // One class per lockdep name whatever the mode: read and write holds of
  // an rwsem are the same lock.
  e.cls = lock_class(name);
  e.op = ModelOp::Acquire;
  emit(e);
  if (!k.is_try)
    record(task, {ModelOp::Acquire, e.cls, e.inst, e.read, e.pc, nullptr});
  return true;
}

bool KernelModel::Impl::sched(const KernelEvent &k, ModelEvent &e, Task &task) {
  switch (k.ev) {
  case KernelEv::SchedJob:
  case KernelEv::SchedRunJob: {
    ClassId c = ring_class(k.name);
    pointer_class[k.ptr] = c;
    job_fence[std::string(k.name) + "#" + std::to_string(k.id)] = k.ptr;
    e.cls = c;
    if (k.ev == KernelEv::SchedJob) {
      if (k.ptr2)
        queued_in_order(e, inst(k.ptr2, 4), pointer_inst(k.ptr));
      return true;
    }
    job_run(e, c, pointer_inst(k.ptr), k.ptr, k.name);
    return true;
  }
  case KernelEv::SchedProcessJob: {
    auto it = pointer_class.find(k.ptr);
    e.cls = it == pointer_class.end() ? ring_class("?") : it->second;
    e.inst = pointer_inst(k.ptr);
    e.inst2 = k.ptr;
    signal(e, task);
    if (it != pointer_class.end())
      pointer_class.erase(it); // the pointer is free for another fence now
    return true;
  }
  case KernelEv::SchedWaitDep: {
    std::string job = std::string(k.name) + "#" + std::to_string(k.id);
    auto jf = job_fence.find(job);
    e.cls = ring_class(k.name);
    e.inst = jf != job_fence.end() ? pointer_inst(jf->second)
                                   : inst(hash_bytes(job.data(), job.size()), 3);
    // A scheduler fence seen before is known by its pointer; any other by
    // context:seqno, as dma_fence events name it.
    auto pc = pointer_class.find(k.ptr2);
    if (pc != pointer_class.end()) {
      e.cls2 = pc->second;
      e.inst2 = pointer_inst(k.ptr2);
    } else {
      e.cls2 = fence_class(k.ctx2);
      e.inst2 = fence_inst(k.ctx2, k.seq2);
    }
    e.op = ModelOp::Await;
    emit(e);
    return true;
  }
  case KernelEv::SchedJobQueue:
  case KernelEv::SchedJobRun:
    // The fence is the job's finished fence.
    learn(k.ctx, "drm_sched", k.name, 1);
    mark_finished(k.ctx);
    e.cls = fence_class(k.ctx);
    if (k.ev == KernelEv::SchedJobQueue) {
      queued_in_order(e, inst(k.ctx, 5), fence_inst(k.ctx, k.seq));
      finished_awaits_scheduled(e, k.ctx, k.seq);
      return true;
    }
    job_run(e, e.cls, fence_inst(k.ctx, k.seq), display(k.ctx, k.seq), k.name);
    return true;
  case KernelEv::SchedJobDone:
    e.cls = fence_class(k.ctx);
    e.inst = fence_inst(k.ctx, k.seq);
    e.inst2 = display(k.ctx, k.seq);
    if (!running.count(e.inst))
      running[e.inst] = e.cls; // done without a run event seen: still close it
    signal(e, task);
    return true;
  case KernelEv::SchedAddDep:
    e.op = ModelOp::Await;
    e.cls = fence_class(k.ctx);
    e.inst = fence_inst(k.ctx, k.seq);
    e.cls2 = fence_class(k.ctx2);
    e.inst2 = fence_inst(k.ctx2, k.seq2);
    emit(e);
    return true;
  default:
    return true; // unschedulable: the dependency was recorded when added
  }
}

bool KernelModel::Impl::driver_job(const KernelEvent &k, ModelEvent &e, Task &task) {
  switch (k.ev) {
  case KernelEv::AmdgpuCsIoctl:
  case KernelEv::AmdgpuRunJob:
    // The job's finished fence, on its entity's context pair.
    learn(k.ctx, "drm_sched", k.timeline.empty() ? k.name : k.timeline, 1);
    mark_finished(k.ctx);
    e.cls = fence_class(k.ctx);
    if (k.ev == KernelEv::AmdgpuCsIoctl) {
      queued_in_order(e, inst(k.ctx, 5), fence_inst(k.ctx, k.seq));
      finished_awaits_scheduled(e, k.ctx, k.seq);
      return true;
    }
    job_run(e, e.cls, fence_inst(k.ctx, k.seq), display(k.ctx, k.seq),
            k.name.empty() ? k.timeline : k.name);
    return true;
  case KernelEv::I915RequestAdd:
    e.cls = fence_class(k.ctx);
    queued_in_order(e, inst(k.ctx, 5), fence_inst(k.ctx, k.seq));
    return true;
  case KernelEv::I915RequestIn:
  case KernelEv::I915RequestOut: {
    ClassId c = fence_class(k.ctx);
    uint64_t f = fence_inst(k.ctx, k.seq);
    if (k.ev == KernelEv::I915RequestIn) {
      job_run(e, c, f, display(k.ctx, k.seq), "i915 engine " + std::string(k.name));
      return true;
    }
    auto job = running.find(f);
    if (job == running.end())
      return true;
    e.op = ModelOp::JobDone;
    e.cls = job->second;
    e.inst = f;
    emit(e);
    running.erase(job);
    return true;
  }
  case KernelEv::I915RequestWaitBegin:
  case KernelEv::I915RequestWaitEnd:
    e.cls = fence_class(k.ctx);
    e.inst = fence_inst(k.ctx, k.seq);
    e.op = k.ev == KernelEv::I915RequestWaitBegin ? ModelOp::WaitBegin : ModelOp::WaitEnd;
    e.one_shot = true;
    emit(e);
    if (k.ev == KernelEv::I915RequestWaitBegin)
      record(task, {ModelOp::WaitBegin, e.cls, e.inst, false, e.pc, nullptr});
    return true;
  case KernelEv::XeHwFenceCreate:
    xe_job_fence[k.ptr] = {fence_inst(k.ctx, k.seq), display(k.ctx, k.seq)};
    return true;
  case KernelEv::XeHwFenceSignal: {
    e.cls = fence_class(k.ctx);
    e.inst = fence_inst(k.ctx, k.seq);
    e.inst2 = display(k.ctx, k.seq);
    // The job ran with its fence named by pointer.
    auto byptr = running.find(pointer_inst(k.ptr));
    if (byptr != running.end()) {
      running[e.inst] = byptr->second;
      running.erase(byptr);
    }
    xe_job_fence.erase(k.ptr);
    signal(e, task);
    return true;
  }
  case KernelEv::XeJobRun: {
    std::string ring = std::string(k.name) + " guc " + std::to_string(k.id);
    ClassId c = names.get(ClassKind::Fence, "xe:" + ring);
    auto hw = xe_job_fence.find(k.ptr);
    uint64_t f = hw != xe_job_fence.end() ? hw->second.inst : pointer_inst(k.ptr);
    // Shown as its hardware fence's context:seqno when that was created in
    // the trace, else by the job's seqno alone.
    job_run(e, c, f, hw != xe_job_fence.end() ? hw->second.shown : k.seq, ring);
    if (hw != xe_job_fence.end()) // the job's fence is known by context:seqno
      return true;
    running.erase(f);
    running[pointer_inst(k.ptr)] = c;
    return true;
  }
  case KernelEv::XeJobFree:
  default:
    return true;
  }
}

// Interrupt handlers run on whatever task they interrupted: with a flag
// column (or trace.dat's common_flags) they get a context of their own per
// CPU and level, started afresh at each interrupt.
Task &KernelModel::Impl::enter(const KernelEvent &k, ModelEvent &e) {
  uint32_t level = k.irq == IrqContext::SoftIrq   ? 1
                   : k.irq == IrqContext::HardIrq ? 2
                   : k.irq == IrqContext::Nmi     ? 3
                                                  : 0;
  if (k.cpu >= cpu_level.size())
    cpu_level.resize(k.cpu + 1, 0);
  if (level) {
    e.tid = kIrqTidBase + (k.cpu & 0x3fffff) * 4 + level;
    e.pid = 0;
    if (level > cpu_level[k.cpu]) {
      // Entered from a lower level: a new interrupt.
      tasks.erase(e.tid);
      last_task = nullptr;
      static const char *const kLevel[] = {"", "softirq", "irq", "nmi"};
      ctx.sink->thread_name(ctx.trace, 0, e.tid,
                            std::string(kLevel[level]) + "/" + std::to_string(k.cpu));
      ModelEvent reset = e;
      reset.op = ModelOp::ContextReset;
      emit(reset);
    }
  } else {
    e.tid = k.pid;
    e.pid = k.tgid >= 0 ? uint32_t(k.tgid) : k.pid;
  }
  cpu_level[k.cpu] = uint8_t(level);
  if (e.tid != last_tid || !last_task) {
    last_task = &tasks[e.tid];
    last_tid = e.tid;
  }
  Task &task = *last_task;
  if (!task.named && !level && k.task != "<...>" && !k.task.empty()) {
    task.named = true;
    ctx.sink->thread_name(ctx.trace, e.pid, e.tid, k.task);
  }
  return task;
}

KernelModel::KernelModel(const ReaderContext &ctx, ReaderStats &st)
    : impl_(std::make_unique<Impl>(ctx, st)) {}
KernelModel::~KernelModel() = default;

bool KernelModel::event(const KernelEvent &k) {
  Impl &m = *impl_;
  ModelEvent e;
  e.trace = m.ctx.trace;
  e.ts_ns = k.ts_ns;
  e.pc = k.location;
  Task &task = m.enter(k, e);
  switch (k.ev) {
  case KernelEv::FenceInit:
  case KernelEv::FenceEmit:
  case KernelEv::FenceEnableSignal:
  case KernelEv::FenceSignaled:
  case KernelEv::FenceWaitStart:
  case KernelEv::FenceWaitEnd:
  case KernelEv::FenceDestroy:
    return m.dma_fence(k, e, task);
  case KernelEv::LockAcquire:
  case KernelEv::LockRelease:
  case KernelEv::ContentionBegin:
  case KernelEv::ContentionEnd:
    return m.lock(k, e, task);
  case KernelEv::AmdgpuCsIoctl:
  case KernelEv::AmdgpuRunJob:
  case KernelEv::I915RequestAdd:
  case KernelEv::I915RequestIn:
  case KernelEv::I915RequestOut:
  case KernelEv::I915RequestWaitBegin:
  case KernelEv::I915RequestWaitEnd:
  case KernelEv::XeJobRun:
  case KernelEv::XeJobFree:
  case KernelEv::XeHwFenceCreate:
  case KernelEv::XeHwFenceSignal:
    return m.driver_job(k, e, task);
  case KernelEv::Unknown:
    return true;
  default:
    return m.sched(k, e, task);
  }
}

void KernelModel::set_lookahead(NameLookahead f) { impl_->lookahead = std::move(f); }

void KernelModel::learn_names(uint64_t ctx, std::string_view driver, std::string_view timeline) {
  impl_->learn(ctx, driver, timeline, 2);
}

void KernelModel::learn_ring(uint64_t ctx, std::string_view ring) {
  impl_->learn(ctx, "drm_sched", ring, 1);
  impl_->mark_finished(ctx);
}

void KernelModel::forget_tasks(uint64_t ts_ns) {
  Impl &m = *impl_;
  for (auto &[tid, task] : m.tasks) {
    ModelEvent e;
    e.op = ModelOp::ContextReset;
    e.trace = m.ctx.trace;
    e.tid = tid;
    e.ts_ns = ts_ns;
    m.emit(e);
  }
  m.tasks.clear();
  m.last_task = nullptr;
  std::fill(m.cpu_level.begin(), m.cpu_level.end(), 0);
}

void KernelModel::finish() {
  Impl &m = *impl_;
  for (auto &[tid, task] : m.tasks) {
    ModelEvent at;
    at.trace = m.ctx.trace;
    for (const Section &s : task.sections)
      m.replay(s, at, nullptr);
    task.sections.clear();
  }
}

} // namespace fencedep
