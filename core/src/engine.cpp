#include "fencedep/core/engine.h"

#include <cstring>
#include <cstdio>
#include <cstdlib>

namespace fencedep {

bool Engine::init(const EngineOptions &opts) {
  opts_ = opts;
  if (!classes_.init(opts.max_classes) || !stacks_.init() ||
      !graph_.init(opts.max_classes, opts.max_edges) ||
      !lock_instances_.init(1u << 20, 1u << 21) ||
      !awaits_.init(1u << 20, 1u << 20, /*new_nodes_first=*/true) ||
      !waits_.init(opts.max_edges, 1u << 20) || !signal_seq_.init(1u << kSignalSeqBits) ||
      !rings_.init(1u << kRingBits) || !exit_gen_.init(1u << 16) ||
      !signallers_.init(1u << 18) || !lifetime_releases_.init(1u << 16) ||
      !reported_.init(1u << 16))
    return false;
  if (opts.shared_edge_cache_bits) {
    if (opts.shared_edge_cache_bits > 30 ||
        !shared_edge_cache_.init(size_t(1) << opts.shared_edge_cache_bits))
      return false;
    shared_edge_bits_ = opts.shared_edge_cache_bits;
  }
  SiteRef none;
  reclaim_ = classes_.get_or_create(class_key_for_name(ClassKind::Reclaim, "reclaim"),
                                    ClassKind::Reclaim, "reclaim", none);
  return true;
}

void Engine::reset_locks_after_fork() {
  classes_.reset_locks_after_fork();
  stacks_.reset_locks_after_fork();
  graph_.reset_locks_after_fork();
  lock_instances_.reset_locks_after_fork();
  awaits_.reset_locks_after_fork();
  reported_.reset_lock();
  waits_.reset_lock();
  watched_lock_.reset();
  pending_lock_.reset();
}

EngineStats Engine::stats() const {
  return EngineStats{graph_.dropped(),
                     classes_.overflowed(),
                     reports_dropped_.load(std::memory_order_relaxed),
                     held_overflows_.load(std::memory_order_relaxed),
                     gated_hidden_.load(std::memory_order_relaxed),
                     duplicates_.load(std::memory_order_relaxed),
                     self_wake_hidden_.load(std::memory_order_relaxed),
                     predicted_.load(std::memory_order_relaxed),
                     lock_instances_.dropped()};
}

// --- held set and window ------------------------------------------------

void Engine::mark_handed_off(ThreadState &t, uint64_t inst) {
  for (uint32_t k = 1; k <= 8 && k <= t.window_len; ++k) {
    WindowEntry &w = t.window[(t.window_pos + kWindowSize - k) % kWindowSize];
    if (w.instance == inst) {
      w.handed_off = true;
      return;
    }
  }
}


void Engine::window_push(ThreadState &t, ClassId c, uint64_t inst, bool read, uint64_t pc) {
  // A class already in the recent window adds nothing a signal would not
  // already depend on; checking the last few keeps loops from flushing it.
  for (uint32_t k = 1; k <= 4 && k <= t.window_len; ++k) {
    WindowEntry &w = t.window[(t.window_pos + kWindowSize - k) % kWindowSize];
    if (w.cls == c && w.read == read) {
      if (__builtin_expect(w.handed_off, 0) && w.instance == inst)
        w.handed_off = false; // taken again
      return;
    }
  }
  t.window[t.window_pos] =
      WindowEntry{c,
                  pc,
                  inst,
                  waits_.versioned(inst),
                  t.signals,
                  released_for_life_by(inst),
                  exits_.load(std::memory_order_relaxed),
                  read,
                  false};
  t.window_pos = (t.window_pos + 1) % kWindowSize;
  if (t.window_len < kWindowSize)
    ++t.window_len;
}

static bool push_held(ThreadState &t, const HeldEntry &e) {
  if (t.nheld >= kMaxHeld || t.untracked_depth) {
    ++t.untracked_depth;
    ++t.held_overflows;
    return false;
  }
  t.held[t.nheld++] = e;
  return true;
}

static void remove_held(ThreadState &t, uint32_t i) {
  for (uint32_t k = i + 1; k < t.nheld; ++k)
    t.held[k - 1] = t.held[k];
  --t.nheld;
}

// Any fence of a timeline stands for another in the wait rules
// (cycle_status.cpp), so the instances of fence-like classes say nothing
// there: one stand-in for all of them keeps a known edge known, where each
// new point or generation of a timeline would be a new occurrence to
// record. (Their own await DAG keeps the real instances.)
static constexpr uint64_t kAnyFence = 1;

static bool fence_like(const ClassRegistry &classes, ClassId c) {
  return is_fence_kind(classes.info(c).kind);
}

bool Engine::add_edge(ThreadState &t, ClassId from, ClassId to, EdgeKind kind, bool src_read,
                      bool dst_read, uint64_t from_pc, StackSource &st, const Occurrence &occ_in,
                      bool report) {
  Occurrence o = occ_in;
  if (opts_.instance_rules) {
    if (o.from_inst && fence_like(classes_, from))
      o.from_inst = kAnyFence;
    if (o.to_inst && fence_like(classes_, to))
      o.to_inst = kAnyFence;
  }
  // Fast path: a known edge of a known type with no gate to narrow costs a
  // per-thread cache hit, or one lock-free probe.
  uint8_t type = dep_type(src_read, dst_read);
  uint64_t ckey;
  uint64_t &slot = edge_cache_slot(t, from, to, type, o, &ckey);
  if (edge_cached(slot, ckey))
    return false;
  if (EdgeId known = graph_.find_edge(from, to)) {
    EdgeInfo &ke = graph_.edge(known);
    // Types only grow and gates only narrow: a cached edge stays valid.
    if ((ke.types.load(std::memory_order_relaxed) & type) &&
        ke.ngates.load(std::memory_order_relaxed) == 0) {
      if (ke.watched.load(std::memory_order_acquire)) {
        if (note_occurrence(t, known, kind, src_read, dst_read, o, st))
          recheck_pending(t, known, kNoClass, o, src_read, dst_read, st);
        return false;
      }
      // Known edge, new instances: what they say is evidence.
      if (opts_.instance_rules)
        note_occurrence(t, known, kind, src_read, dst_read, o, st);
      slot = ckey;
      if (uint64_t *shared = shared_edge_slot(ckey))
        *shared = ckey;
      return false;
    }
  }
  ClassId gates[kMaxHeld];
  uint32_t ng = 0;
  if (kind == EdgeKind::Acquire) {
    // Only exclusive holds of real locks keep two contexts apart.
    for (uint32_t i = 0; i < t.nheld; ++i) {
      const HeldEntry &h = t.held[i];
      if (h.role == HeldRole::Lock && !h.read && h.cls != from && h.cls != to)
        gates[ng++] = h.cls;
    }
  }
  EdgeOccurrence occ{from, to, kind, src_read, dst_read, gates, ng, nullptr, 0,
                     t.tid, opts_.pid, from_pc, trace_, o.from_inst, o.to_inst};
  EdgeId e;
  DepGraph::AddResult r = graph_.add(occ, &e);
  if (r == DepGraph::AddResult::Full)
    return false;
  if (r == DepGraph::AddResult::New)
    graph_.set_stack(e, st.capture());
  bool news = opts_.instance_rules && note_occurrence(t, e, kind, src_read, dst_read, o, st);
  if (r == DepGraph::AddResult::Known) {
    if (news && graph_.edge(e).watched.load(std::memory_order_acquire))
      recheck_pending(t, e, kNoClass, o, src_read, dst_read, st);
    return false;
  }
  if (opts_.defer_cycle_search)
    return false;
  // The shortest cycle through the new edge may need a thread to wake
  // itself; a longer one may not. Look again without that hop's signal.
  EdgeId banned[3];
  uint32_t nbanned = 0;
  for (;;) {
    Cycle cyc;
    if (!graph_.find_cycle(e, &cyc, banned, nbanned))
      return nbanned != 0;
    if (!report)
      return true;
    if (ClassId gate = graph_.common_gate(cyc); gate != kNoClass && !opts_.report_gated) {
      gated_hidden_.fetch_add(1, std::memory_order_relaxed);
      return true;
    }
    uint32_t hidden_hop = 0;
    CycleStatus status = opts_.instance_rules
                             ? classify(cyc, o.from_inst, o.to_inst, src_read, dst_read,
                                        &hidden_hop)
                             : CycleStatus::Confirmed;
    if (status == CycleStatus::Confirmed) {
      queue_cycle(t, cyc, to, kind, dst_read, st);
      return true;
    }
    watch(t, cyc, status, to, kind, dst_read);
    if (status == CycleStatus::Predicted) {
      predicted_.fetch_add(1, std::memory_order_relaxed);
      if (opts_.report_predicted)
        queue_cycle(t, cyc, to, kind, dst_read, st, true);
      return true;
    }
    self_wake_hidden_.fetch_add(1, std::memory_order_relaxed);
    if (nbanned == 3)
      return true;
    banned[nbanned++] = cyc.edges[hidden_hop];
  }
}

bool Engine::note_occurrence(ThreadState &t, EdgeId e, EdgeKind kind, bool src_read,
                             bool dst_read, const Occurrence &o, StackSource &st) {
  const EdgeInfo &ei = graph_.edge(e);
  // Objects of one-shot and timeline classes stand for one another in the
  // wait rules: their generations would only multiply samples.
  uint64_t from_inst =
      instances_interchangeable(classes_, ei.from) ? o.from_inst : waits_.versioned(o.from_inst);
  uint64_t to_inst = o.to_versioned || instances_interchangeable(classes_, ei.to)
                         ? o.to_inst
                         : waits_.versioned(o.to_inst);
  switch (kind) {
  case EdgeKind::Acquire: {
    // The instance link first: a sample says the edge's instances are in
    // (see classify), and another thread may judge the cycle on it.
    bool news = false;
    if (from_inst && to_inst && is_lock_kind(classes_.info(ei.from).kind) &&
        is_lock_kind(classes_.info(ei.to).kind)) {
      uint32_t link = lock_instances_.add(o.from_inst, ei.from, o.to_inst, ei.to,
                                          dep_type(src_read, dst_read), t.tid, st.capture());
      news = link && lock_instances_.may_close_cycle(link);
    }
    news |= waits_.note(e, from_inst, to_inst, t.tid, o.peer, o.epoch, o.exits, o.after_wait,
                        o.how, o.after_lifetime_of);
    return news;
  }
  default:
    return waits_.note(e, from_inst, to_inst, t.tid, o.peer, o.epoch, o.exits, o.after_wait,
                       o.how, o.after_lifetime_of);
  }
}

static uint64_t cycle_id(const Cycle &cyc) {
  uint64_t id = 0x3c7;
  for (uint32_t i = 0; i < cyc.size; ++i)
    id += mix64(cyc.edges[i]); // order-free: a rotation is the same cycle
  return id;
}

void Engine::watch(ThreadState &, const Cycle &cyc, CycleStatus shown, ClassId subject,
                   EdgeKind kind, bool read) {
  uint64_t id = cycle_id(cyc);
  {
    SpinGuard g(watched_lock_);
    WatchedCycle *free = nullptr;
    for (WatchedCycle &w : watched_) {
      if (w.used && w.id == id)
        return; // watched already
      if (!w.used && !free)
        free = &w;
    }
    if (free)
      *free = WatchedCycle{cyc, shown, subject, kind, read, true, id};
  }
  for (uint32_t i = 0; i < cyc.size; ++i)
    graph_.edge(cyc.edges[i]).watched.store(1, std::memory_order_release);
  watch_gen_.fetch_add(1, std::memory_order_acq_rel);
  // The shared cache (offline replay) is the engine's own: empty it now.
  for (size_t i = 0; shared_edge_bits_ && i < (size_t(1) << shared_edge_bits_); ++i)
    shared_edge_cache_[i] = 0;
}

void Engine::recheck_pending(ThreadState &t, EdgeId e, ClassId link_class, const Occurrence &o,
                             bool src_read, bool dst_read, StackSource &st) {
  WatchedCycle found[8];
  uint32_t nfound = 0;
  {
    SpinGuard g(watched_lock_);
    for (WatchedCycle &w : watched_) {
      if (!w.used || nfound == 8)
        continue;
      bool involved = false;
      for (uint32_t i = 0; i < w.cyc.size && !involved; ++i) {
        const EdgeInfo &ei = graph_.edge(w.cyc.edges[i]);
        involved = e ? w.cyc.edges[i] == e : ei.from == link_class;
      }
      if (involved)
        found[nfound++] = w;
    }
  }
  for (uint32_t k = 0; k < nfound; ++k) {
    WatchedCycle &w = found[k];
    uint32_t hop = 0;
    CycleStatus now = classify(w.cyc, o.from_inst, o.to_inst, src_read, dst_read, &hop);
    if (now <= w.shown)
      continue;
    {
      SpinGuard g(watched_lock_);
      for (WatchedCycle &x : watched_) {
        if (x.used && x.id == w.id && x.shown < now) {
          x.shown = now;
          x.used = now != CycleStatus::Confirmed;
        }
      }
    }
    if (now == CycleStatus::Predicted) {
      predicted_.fetch_add(1, std::memory_order_relaxed);
      if (!opts_.report_predicted)
        continue;
    }
    queue_cycle(t, w.cyc, w.subject, w.kind, w.read, st, now == CycleStatus::Predicted);
  }
}

void Engine::add_edges_from_held(ThreadState &t, ClassId to, EdgeKind kind, bool read,
                                 uint64_t skip_inst, uint64_t inst, StackSource &st,
                                 uint32_t peer, uint32_t peer_epoch) {
  sync_edge_cache(t);
  for (uint32_t i = t.nheld; i > 0; --i) {
    const HeldEntry &h = t.held[i - 1];
    if (skip_inst && h.instance == skip_inst && h.role == HeldRole::Lock)
      continue;
    if (h.cls == to) {
      if (h.role == HeldRole::Lock && kind == EdgeKind::Acquire && inst && h.instance != inst)
        same_class_nesting(t, h, to, inst, read, st);
    } else {
      uint64_t key;
      Occurrence o{h.instance, inst, peer, peer_epoch};
      if (kind == EdgeKind::WaitForSubmit)
        o.how = kHowForSubmit;
      // The common case, checked here without a call: a known nesting.
      if (!edge_cached(edge_cache_slot(t, h.cls, to, dep_type(h.read, read), o, &key), key)) {
        EdgeKind k = h.role == HeldRole::Section ? EdgeKind::Section : kind;
        add_edge(t, h.cls, to, k, h.read, read, h.pc, st, o);
      }
    }
    if (!h.is_try && h.role != HeldRole::Section)
      break;
  }
}

void Engine::same_class_nesting(ThreadState &t, const HeldEntry &h, ClassId c, uint64_t inst,
                                bool read, StackSource &st) {
  uint32_t link = lock_instances_.add(h.instance, c, inst, c, dep_type(h.read, read), t.tid,
                                      st.capture());
  // A pair seen before, or one that agrees with the order of instances
  // kept so far, closes nothing.
  if (!link || !lock_instances_.may_close_cycle(link))
    return;
  // Does the new nesting close a ring of instances of this class (two
  // nested both ways, a chain of locks made in one loop, philosophers)?
  InstancePath path;
  if (lock_instances_.find_path(inst, h.instance, &c, 1, read, h.read, &path)) {
    // Record the class self-edge too, so the graph export shows it.
    EdgeOccurrence occ{c, c, EdgeKind::Acquire, h.read, read, nullptr, 0, nullptr, 0,
                       t.tid, opts_.pid, h.pc, trace_, h.instance, inst};
    EdgeId e;
    if (graph_.add(occ, &e) == DepGraph::AddResult::New)
      graph_.set_stack(e, st.capture());
    queue_instance_cycle(t, lock_instances_, link, path, ReportKind::LockOrder, c,
                         EdgeKind::Acquire, st);
  }
  // It may also confirm a class cycle through this class.
  if (opts_.instance_rules)
    recheck_pending(t, kNoEdge, c, Occurrence{h.instance, inst}, h.read, read, st);
}

void Engine::queue_instance_cycle(ThreadState &t, InstanceGraph &g, uint32_t closing,
                                  const InstancePath &path, ReportKind kind, ClassId subject,
                                  EdgeKind subject_kind, StackSource &st) {
  PendingReport r{};
  r.kind = kind;
  r.subject = subject;
  r.subject_kind = subject_kind;
  // The cycle starts with the closing link: from its source, along the
  // path, back to it.
  const InstanceLink &first = g.link(closing);
  r.inst_len = 0;
  auto push = [&](const InstanceLink &l) {
    if (r.inst_len == kMaxCycle)
      return;
    r.inst[r.inst_len] = g.instance(l.from);
    r.inst_class[r.inst_len] = g.node_class(l.from);
    r.inst_stack[r.inst_len] = l.stack;
    r.inst_tid[r.inst_len] = l.tid;
    r.inst_types[r.inst_len] = l.types;
    ++r.inst_len;
  };
  push(first);
  for (uint32_t i = 0; i < path.size; ++i)
    push(g.link(path.links[i]));
  r.inst_total = path.total + 1;
  uint64_t key = 0x1a57 + uint64_t(kind);
  for (uint32_t i = 0; i < r.inst_len; ++i)
    key += mix64(r.inst[i]);
  r.tid = t.tid;
  r.stack = st.capture();
  snapshot_held(t, r);
  queue(r, mix64(key));
}

// --- events ---------------------------------------------------------------

static HeldEntry *find_held_lock(ThreadState &t, uint64_t inst) {
  for (uint32_t i = t.nheld; i > 0; --i) {
    HeldEntry &h = t.held[i - 1];
    if (h.instance == inst && h.role == HeldRole::Lock)
      return &h;
  }
  return nullptr;
}

void Engine::acquire_begin(ThreadState &t, ClassId c, uint64_t inst, bool read,
                           StackSource &st) {
  if (t.nheld == 0) {
    t.not_held_inst = inst;
    return;
  }
  if (find_held_lock(t, inst))
    return; // recursive mutex or a reader re-entering: no new ordering
  add_edges_from_held(t, c, EdgeKind::Acquire, read, 0, inst, st);
  t.not_held_inst = inst;
}

void Engine::acquire_end(ThreadState &t, ClassId c, uint64_t inst, bool read, bool is_try,
                         uint64_t pc) {
  // acquire_begin just looked: skip the second search.
  if (t.nheld && t.not_held_inst != inst) {
    if (HeldEntry *h = find_held_lock(t, inst)) {
      ++h->depth;
      return;
    }
  }
  t.not_held_inst = 0;
  if (__builtin_expect(t.nheld >= kMaxHeld || t.untracked_depth, 0)) {
    ++t.untracked_depth;
    ++t.held_overflows;
    held_overflows_.fetch_add(1, std::memory_order_relaxed);
  } else {
    HeldEntry &e = t.held[t.nheld++];
    e.cls = c;
    e.instance = inst;
    e.pc = pc;
    e.label = nullptr;
    e.depth = 0;
    e.role = HeldRole::Lock;
    e.read = read;
    e.is_try = is_try;
    e.waits = t.untimed_waits;
  }
  // A signal depends on a lock its thread had to take first; a trylock
  // never has to: when the lock is busy the thread goes another way (V8
  // parks its local heap before it blocks on the safepoint's lock). Like
  // lockdep's trylock, it gets no incoming edge, from a signal either.
  if (!is_try)
    window_push(t, c, inst, read, pc);
}

// A lock its thread took before its first wait and held across its waits
// is that thread's for life (CPython's thread-state lock, taken when the
// thread starts, let go when it ends). Whoever takes it after that release
// (a joiner) takes it after every wait the thread made under it: nothing
// such a wait waited for depended on that taking.
void Engine::note_lifetime_release(ThreadState &t, const HeldEntry &h) {
  // (Offline replay runs each thread's events in turn, not in time order
  // across threads: there what came after a release is unknown.)
  if (!opts_.instance_rules || opts_.defer_cycle_search || h.waits != 0 ||
      t.untimed_waits == 0)
    return;
  lifetime_releases_.put(waits_.versioned(h.instance), t.tid);
  any_lifetime_release_.store(true, std::memory_order_release);
}

uint32_t Engine::released_for_life_by(uint64_t inst) const {
  uint64_t v;
  if (!inst || !any_lifetime_release_.load(std::memory_order_acquire) ||
      !lifetime_releases_.find(waits_.versioned(inst), &v))
    return 0;
  return uint32_t(v);
}

void Engine::release(ThreadState &t, uint64_t inst) {
  // Locks are usually released in reverse order.
  if (t.nheld && t.held[t.nheld - 1].instance == inst &&
      t.held[t.nheld - 1].role == HeldRole::Lock && !t.held[t.nheld - 1].depth) {
    --t.nheld;
    note_lifetime_release(t, t.held[t.nheld]);
    return;
  }
  for (uint32_t i = t.nheld; i > 0; --i) {
    HeldEntry &h = t.held[i - 1];
    if (h.instance != inst || h.role != HeldRole::Lock)
      continue;
    if (h.depth) {
      --h.depth;
      return;
    }
    note_lifetime_release(t, h);
    remove_held(t, i - 1);
    return;
  }
  if (t.untracked_depth)
    --t.untracked_depth;
}

void Engine::wait_begin(ThreadState &t, ClassId c, uint64_t inst, uint64_t released_inst,
                        uint64_t pc, StackSource &st, EdgeKind kind, uint32_t signaller,
                        bool timed) {
  if (classes_.info(c).flags.load(std::memory_order_relaxed) & kClassLongRunning) {
    for (uint32_t i = 0; i < t.nheld; ++i) {
      const HeldEntry &h = t.held[i];
      if (h.role == HeldRole::Context) {
        queue_lr(t, LrUse::WaitInReclaim, c, h.cls, st);
        break;
      }
      if (h.role == HeldRole::Lock &&
          (classes_.info(h.cls).flags.load(std::memory_order_relaxed) & kClassMm)) {
        queue_lr(t, LrUse::WaitUnderMmLock, c, h.cls, st);
        break;
      }
    }
  }
  // A wait that gives up by itself cannot hold anyone up forever: like a
  // trylock, it orders nothing (CPython's GIL hand-off is one, every few
  // milliseconds, under whatever Python locks the thread holds).
  if (!timed) {
    ++t.untimed_waits;
    add_edges_from_held(t, c, kind, false, released_inst, inst, st, signaller,
                        signaller ? signals_seen(t, signaller) : 0);
  }
  window_push(t, c, inst, false, pc);
}

uint32_t Engine::signals_seen(const ThreadState &t, uint32_t signaller) {
  SignalRing &ring = ring_of(signaller);
  if (ring.tid.load(std::memory_order_acquire) != signaller)
    return 0;
  uint32_t seen = 0;
  // One of the signaller's recent signals woke a wait of this thread (same
  // object, its sequence reached): it, and all the signaller did before,
  // happened before this point.
  for (const SignalRecord &r : ring.rec)
    for (const ObservedSignal &o : t.observed)
      if (r.object && o.object == r.object && o.seq >= r.seq && r.epoch > seen)
        seen = r.epoch;
  return seen;
}

void Engine::wait_end(ThreadState &t, ClassId c, uint64_t inst, bool one_shot, uint64_t pc) {
  if (opts_.instance_rules && inst) {
    t.observed[t.observed_next++ % ThreadState::kObservedSize] =
        ObservedSignal{inst, signal_seq(inst).load(std::memory_order_acquire)};
  }
  t.window_len = 0;
  t.window_pos = 0;
  if (one_shot)
    window_push(t, c, inst, false, pc);
}

void Engine::note_signaller(ThreadState &t, ClassId c, uint64_t inst) {
  ClassKind k = classes_.info(c).kind;
  if ((k != ClassKind::CondVar && k != ClassKind::Semaphore) ||
      instances_interchangeable(classes_, c))
    return;
  uint64_t key = waits_.versioned(inst), v;
  if (!signallers_.find(key, &v)) {
    signallers_.put(key, t.tid & kSignallerTidMask);
    return;
  }
  uint64_t counted = with_signaller(v, t.tid);
  if (counted != v)
    signallers_.put(key, counted);
}

void Engine::signal(ThreadState &t, ClassId c, uint64_t inst, uint64_t, StackSource &st) {
  sync_edge_cache(t);
  ++t.signals;
  if (opts_.instance_rules && inst) {
    uint64_t seq = signal_seq(inst).fetch_add(1, std::memory_order_acq_rel) + 1;
    SignalRing &ring = ring_of(t.tid);
    if (ring.tid.load(std::memory_order_relaxed) != t.tid) {
      ring.next = 0;
      for (SignalRecord &r : ring.rec)
        r = SignalRecord{0, 0, 0};
      ring.tid.store(t.tid, std::memory_order_release);
    }
    ring.rec[ring.next++ % SignalRing::kSize] = SignalRecord{inst, seq, t.signals};
    note_signaller(t, c, inst);
  }
  // A thread's exit is the one signal a joiner may already know the
  // history of (see Occurrence): its edges say when each entry was taken.
  bool exit = classes_.info(c).kind == ClassKind::ThreadExit;
  uint32_t exits_now = exits_.load(std::memory_order_relaxed);
  bool in_section = false;
  for (uint32_t i = 0; i < t.nheld; ++i) {
    const HeldEntry &h = t.held[i];
    if (h.role == HeldRole::Section) {
      in_section |= h.cls == c;
      continue;
    }
    if (opts_.instance_rules && h.role == HeldRole::Lock)
      mark_handed_off(t, h.instance);
    if (h.cls != c && !(h.role == HeldRole::Lock && h.is_try))
      add_edge(t, c, h.cls, EdgeKind::Signal, false, h.read, 0, st,
               Occurrence{inst, h.instance, 0, exit ? Occurrence::kHeld : 0, exits_now,
                          h.waits != t.untimed_waits, 0, false,
                          h.role == HeldRole::Lock ? released_for_life_by(h.instance) : 0});
  }
  // Inside an explicit signalling section for this class the section's own
  // edges already say what the signal depends on.
  if (!in_section) {
    for (uint32_t k = 0; k < t.window_len; ++k) {
      const WindowEntry &w = t.window[(t.window_pos + kWindowSize - 1 - k) % kWindowSize];
      // A thread that announced something under a lock it then released
      // is done with that lock: joiners follow the announcement (pigz's
      // "reenter": mark itself done and broadcast under the threads lock,
      // then exit). A joiner that joins without looking is not seen.
      if (exit && w.handed_off && opts_.instance_rules && !t.holds_lock(w.instance))
        continue;
      if (w.cls != c)
        add_edge(t, c, w.cls, EdgeKind::Signal, false, w.read, w.pc, st,
                 Occurrence{inst, w.version, 0, exit ? w.epoch : 0, w.exits, false, 0, true,
                            w.after_lifetime_of});
    }
  }
  ClassKind kind = classes_.info(c).kind;
  if (is_fence_kind(kind))
    fence_reset(inst);
  // (Offline replay runs each thread's events in turn, not in time order
  // across threads: there the order of exits is unknown.)
  if (exit && opts_.instance_rules && !opts_.defer_cycle_search)
    exit_gen_.put(t.tid, exits_.fetch_add(1, std::memory_order_acq_rel) + 1);
}

void Engine::submit(ThreadState &t, ClassId c, uint64_t inst, uint64_t, StackSource &st) {
  sync_edge_cache(t);
  // Like a signal's edges, each sample marked as a submission only (see
  // kHowSubmitOnly): no completion, so no signal sequence for joiners and
  // no handing off of held locks either. A submit loop re-makes the same
  // edges: known ones are answered from the thread's cache here, with the
  // instances add_edge would use.
  uint64_t from = opts_.instance_rules && inst && fence_like(classes_, c) ? kAnyFence : inst;
  auto edge = [&](ClassId to, uint64_t to_inst, bool read, uint64_t pc, bool versioned) {
    Occurrence o{from, to_inst};
    o.to_versioned = versioned;
    if (opts_.instance_rules && to_inst && fence_like(classes_, to))
      o.to_inst = kAnyFence;
    o.how = kHowSubmitOnly;
    uint64_t key;
    if (!edge_cached(edge_cache_slot(t, c, to, dep_type(false, read), o, &key), key))
      add_edge(t, c, to, EdgeKind::Signal, false, read, pc, st, o);
  };
  bool in_section = false;
  for (uint32_t i = 0; i < t.nheld; ++i) {
    const HeldEntry &h = t.held[i];
    if (h.role == HeldRole::Section) {
      in_section |= h.cls == c;
      continue;
    }
    if (h.cls != c && !(h.role == HeldRole::Lock && h.is_try))
      edge(h.cls, h.instance, h.read, 0, false);
  }
  if (in_section)
    return;
  for (uint32_t k = 0; k < t.window_len; ++k) {
    const WindowEntry &w = t.window[(t.window_pos + kWindowSize - 1 - k) % kWindowSize];
    if (w.cls != c)
      edge(w.cls, w.version, w.read, w.pc, true);
  }
}

int Engine::section_begin(ThreadState &t, ClassId c, uint64_t inst, uint64_t pc) {
  for (uint32_t i = 0; i < t.nheld; ++i)
    if (t.held[i].role == HeldRole::Section && t.held[i].cls == c)
      return 0; // nested: the outer section covers it
  HeldEntry e{c, inst, pc, nullptr, 0, HeldRole::Section, false, true, t.untimed_waits};
  if (!push_held(t, e))
    return -1;
  // At most one open section per class and thread: the class names it,
  // wherever it moves in the held set when others end out of order.
  return int(c);
}

void Engine::section_end(ThreadState &t, int cookie) {
  if (cookie == 0)
    return;
  if (cookie < 0) {
    if (t.untracked_depth)
      --t.untracked_depth;
    return;
  }
  for (uint32_t k = t.nheld; k > 0; --k) {
    if (t.held[k - 1].role == HeldRole::Section && t.held[k - 1].cls == ClassId(cookie)) {
      remove_held(t, k - 1);
      return;
    }
  }
}

void Engine::mm_begin(ThreadState &t, const char *label, uint64_t pc, StackSource &st) {
  add_edges_from_held(t, reclaim_, EdgeKind::Acquire, false, 0, 0, st);
  HeldEntry e{reclaim_, 0, pc, label, 0, HeldRole::Context, false, false, t.untimed_waits};
  if (!push_held(t, e))
    held_overflows_.fetch_add(1, std::memory_order_relaxed);
  window_push(t, reclaim_, 0, false, pc);
}

void Engine::mm_end(ThreadState &t) {
  for (uint32_t i = t.nheld; i > 0; --i) {
    if (t.held[i - 1].role == HeldRole::Context) {
      remove_held(t, i - 1);
      return;
    }
  }
  if (t.untracked_depth)
    --t.untracked_depth;
}

void Engine::might_reclaim(ThreadState &t, uint64_t pc, StackSource &st) {
  for (uint32_t i = 0; i < t.nheld; ++i)
    if (t.held[i].role == HeldRole::Context)
      return; // already reclaiming: reclaim does not recurse into itself
  add_edges_from_held(t, reclaim_, EdgeKind::Reclaim, false, 0, 0, st);
  window_push(t, reclaim_, 0, false, pc);
}

// --- fences: await DAG and LR rules ---------------------------------------

void Engine::fence_reset(uint64_t inst) { awaits_.clear_out(inst); }

void Engine::await(ThreadState &t, ClassId f, uint64_t fi, ClassId g, uint64_t gi,
                   uint64_t, StackSource &st) {
  // f now waits for g: a path g ->* f closes a cycle of instances.
  uint32_t link = awaits_.add(fi, f, gi, g, kDepNN, t.tid, kNoStack);
  InstancePath path;
  bool definite = link && awaits_.may_close_cycle(link) &&
                  awaits_.find_path(gi, fi, nullptr, 0, false, false, &path);
  // The class edge keeps the class-level picture; when the instances already
  // form a cycle the definite report says everything.
  add_edge(t, f, g, EdgeKind::Await, false, false, 0, st, Occurrence{fi, gi}, !definite);
  if (definite)
    queue_instance_cycle(t, awaits_, link, path, ReportKind::AwaitCycle, g, EdgeKind::Await,
                         st);
}

void Engine::await_class(ThreadState &t, ClassId f, ClassId g, uint64_t, StackSource &st) {
  if (f != g)
    add_edge(t, f, g, EdgeKind::Await, false, false, 0, st, Occurrence{kAnyFence, kAnyFence});
}

void Engine::await_instance(ThreadState &t, ClassId c, uint64_t fi, uint64_t gi,
                            StackSource &st) {
  if (fi == gi) {
    // Awaiting itself: a cycle of one instance, never a link of the DAG
    // (it would have no place in the DAG's order).
    PendingReport r{};
    r.kind = ReportKind::AwaitCycle;
    r.subject = c;
    r.subject_kind = EdgeKind::Await;
    r.inst_len = r.inst_total = 1;
    r.inst[0] = fi;
    r.inst_class[0] = c;
    r.inst_stack[0] = st.capture();
    r.inst_tid[0] = t.tid;
    r.inst_types[0] = kDepNN;
    r.tid = t.tid;
    r.stack = r.inst_stack[0];
    snapshot_held(t, r);
    queue(r, mix64(0x1a57 + uint64_t(ReportKind::AwaitCycle) + mix64(fi)));
    return;
  }
  uint32_t link = awaits_.add(fi, c, gi, c, kDepNN, t.tid, kNoStack);
  InstancePath path;
  if (link && awaits_.may_close_cycle(link) &&
      awaits_.find_path(gi, fi, nullptr, 0, false, false, &path))
    queue_instance_cycle(t, awaits_, link, path, ReportKind::AwaitCycle, c, EdgeKind::Await, st);
}

void Engine::resv_attach(ThreadState &t, ClassId f, uint64_t, uint64_t, StackSource &st) {
  if (classes_.info(f).flags.load(std::memory_order_relaxed) & kClassLongRunning)
    queue_lr(t, LrUse::ResvAttach, f, kNoClass, st);
}

void Engine::fence_export(ThreadState &t, ClassId f, uint64_t, uint64_t, StackSource &st) {
  if (classes_.info(f).flags.load(std::memory_order_relaxed) & kClassLongRunning)
    queue_lr(t, LrUse::Export, f, kNoClass, st);
}

// --- reports ----------------------------------------------------------------

void Engine::snapshot_held(const ThreadState &t, PendingReport &r) {
  r.nheld_total = t.nheld;
  bool keep[kMaxHeld] = {};
  uint32_t kept = 0;
  if (t.nheld > kReportHeld) {
    // The cycle's own locks first: the report is about them.
    auto in_cycle = [&](ClassId c) {
      if (c == r.subject)
        return true;
      for (uint32_t i = 0; i < r.cycle.size; ++i) {
        const EdgeInfo &e = graph_.edge(r.cycle.edges[i]);
        if (e.from == c || e.to == c)
          return true;
      }
      for (uint32_t i = 0; i < r.inst_len; ++i)
        if (r.inst_class[i] == c)
          return true;
      return false;
    };
    for (uint32_t i = 0; i < t.nheld && kept < kReportHeld; ++i)
      if (in_cycle(t.held[i].cls))
        keep[i] = true, ++kept;
  }
  // Then the most recent.
  for (uint32_t i = t.nheld; i > 0 && kept < kReportHeld; --i)
    if (!keep[i - 1])
      keep[i - 1] = true, ++kept;
  r.nheld = 0;
  for (uint32_t i = 0; i < t.nheld; ++i) {
    if (!keep[i])
      continue;
    r.held_index[r.nheld] = uint8_t(i);
    r.held[r.nheld++] = t.held[i];
  }
}

void Engine::queue_cycle(ThreadState &t, const Cycle &cyc, ClassId subject, EdgeKind kind,
                         bool read, StackSource &st, bool predicted) {
  // Dedup on the set of classes: the same cycle found from another edge or
  // thread is the same report.
  ClassId ids[kMaxCycle];
  bool all_locks = true;
  for (uint32_t i = 0; i < cyc.size; ++i) {
    const EdgeInfo &e = graph_.edge(cyc.edges[i]);
    ids[i] = e.from;
    all_locks &= e.kind == EdgeKind::Acquire && is_lock_kind(classes_.info(e.from).kind) &&
                 is_lock_kind(classes_.info(e.to).kind);
  }
  for (uint32_t i = 1; i < cyc.size; ++i)
    for (uint32_t j = i; j > 0 && ids[j - 1] > ids[j]; --j) {
      ClassId tmp = ids[j];
      ids[j] = ids[j - 1];
      ids[j - 1] = tmp;
    }
  uint64_t key = hash_bytes(ids, cyc.size * sizeof(ClassId), predicted ? 0x9ed1c7 : 0xc1c1e);
  // Confirmed first, predicted later: a thread that raced through the same
  // inversion before the other's instances were in; nothing to add.
  uint64_t v;
  if (predicted &&
      reported_.find(hash_bytes(ids, cyc.size * sizeof(ClassId), 0xc1c1e) ^
                         (uint64_t(all_locks ? ReportKind::LockOrder : ReportKind::WaitCycle) << 60),
                     &v))
    return;
  PendingReport r{};
  r.kind = all_locks ? ReportKind::LockOrder : ReportKind::WaitCycle;
  r.predicted = predicted;
  r.tid = t.tid;
  r.subject = subject;
  r.subject_kind = kind;
  r.subject_read = read;
  r.cycle = cyc;
  r.gate = graph_.common_gate(cyc);
  r.stack = st.capture();
  snapshot_held(t, r);
  queue(r, key);
}

namespace {
// The stack an edge already keeps, handed back as the reporting context's.
class KnownStack final : public StackSource {
public:
  explicit KnownStack(StackId id) : id_(id) {}
  StackId capture() override { return id_; }

private:
  StackId id_;
};
} // namespace

bool Engine::report_cycle(const Cycle &cyc) {
  if (cyc.size == 0)
    return false;
  if (graph_.common_gate(cyc) != kNoClass && !opts_.report_gated) {
    gated_hidden_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  const EdgeInfo &e = graph_.edge(cyc.edges[0]);
  uint8_t types = e.types.load(std::memory_order_relaxed);
  bool src_read = !(types & (kDepNN | kDepNR));
  bool dst_read = !(types & (kDepNN | kDepRN));
  static thread_local ThreadState t;
  t.reset(e.tid);
  // A signal edge starts from the signalled object, which is not held.
  if (e.kind != EdgeKind::Signal && e.kind != EdgeKind::Await) {
    HeldRole role = e.kind == EdgeKind::Section ? HeldRole::Section
                    : e.from == reclaim_        ? HeldRole::Context
                                                : HeldRole::Lock;
    t.held[0] = HeldEntry{e.from, 0, e.from_pc, nullptr, 0, role, src_read, false, 0};
    t.nheld = 1;
  }
  KnownStack st(e.stack);
  bool predicted = false;
  if (opts_.instance_rules) {
    uint32_t hop = 0;
    CycleStatus status = classify(cyc, e.from_inst, e.to_inst, src_read, dst_read, &hop);
    if (status == CycleStatus::Hidden) {
      self_wake_hidden_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    predicted = status == CycleStatus::Predicted;
    if (predicted) {
      predicted_.fetch_add(1, std::memory_order_relaxed);
      if (!opts_.report_predicted)
        return false;
    }
  }
  uint32_t saved_pid = opts_.pid;
  opts_.pid = e.pid;
  uint64_t before = reports_total_.load(std::memory_order_relaxed);
  queue_cycle(t, cyc, e.to, e.kind, dst_read, st, predicted);
  opts_.pid = saved_pid;
  return reports_total_.load(std::memory_order_relaxed) != before;
}

void Engine::queue_lr(ThreadState &t, LrUse use, ClassId fence, ClassId ctx, StackSource &st) {
  uint64_t key = mix64((uint64_t(fence) << 8) ^ uint64_t(use) ^ (uint64_t(ctx) << 40) ^ 0x1f);
  PendingReport r{};
  r.kind = ReportKind::LrViolation;
  r.tid = t.tid;
  r.subject = fence;
  r.subject_kind = use == LrUse::ResvAttach || use == LrUse::Export ? EdgeKind::Signal
                                                                     : EdgeKind::Wait;
  r.lr_use = use;
  r.lr_context = ctx;
  r.stack = st.capture();
  snapshot_held(t, r);
  queue(r, key);
}

void Engine::queue(PendingReport &r, uint64_t dedup_key) {
  bool inserted;
  reported_.put_if_absent(dedup_key ^ (uint64_t(r.kind) << 60), 1, &inserted);
  if (!inserted) {
    duplicates_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  r.pid = opts_.pid;
  SpinGuard g(pending_lock_);
  uint32_t count = pending_count_.load(std::memory_order_relaxed);
  if (count >= kMaxPending) {
    reports_dropped_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  pending_[(pending_head_ + count) % kMaxPending] = r;
  pending_count_.store(count + 1, std::memory_order_release);
  reports_total_.fetch_add(1, std::memory_order_relaxed);
}

bool Engine::pop_report(PendingReport *out) {
  if (!has_pending())
    return false;
  SpinGuard g(pending_lock_);
  uint32_t count = pending_count_.load(std::memory_order_relaxed);
  if (!count)
    return false;
  *out = pending_[pending_head_];
  pending_head_ = (pending_head_ + 1) % kMaxPending;
  pending_count_.store(count - 1, std::memory_order_release);
  return true;
}

} // namespace fencedep
