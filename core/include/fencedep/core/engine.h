// The engine turns events (acquire, release, wait, signal, sections, MM
// contexts, awaits, LR uses) into class-graph edges, runs the cycle search
// on new edges, checks long-running fence rules and the instance await DAG,
// and queues reports. The runtime feeds it from interposed calls; offline
// analysis replays traces into it. Reports are drained and printed by the
// caller, outside its hook path.
#pragma once
#include <atomic>
#include <cstdint>

#include "fencedep/core/address_map.h"
#include "fencedep/core/class_registry.h"
#include "fencedep/core/dep_graph.h"
#include "fencedep/core/instance_graph.h"
#include "fencedep/core/stack_depot.h"
#include "fencedep/core/thread_state.h"
#include "fencedep/core/wait_evidence.h"

namespace fencedep {

// Captures the current stack; called only when a new edge is recorded.
class StackSource {
public:
  virtual ~StackSource() = default;
  virtual StackId capture() = 0;
};

class NoStack final : public StackSource {
public:
  StackId capture() override { return kNoStack; }
};

inline constexpr unsigned kReportHeld = 16;

// What one occurrence of an edge says beyond its classes.
struct Occurrence {
  uint64_t from_inst = 0; // the held lock, or the object signalled
  uint64_t to_inst = 0;   // the lock taken, or the object waited on
  // Happens-before across a thread's exit. Joins: `peer` is the thread
  // joined and `epoch` how many of its signals this thread has seen
  // complete a wait of its own. Exits: `epoch` is the exiting thread's
  // signal count when it took `to_inst` (kHeld: still held).
  uint32_t peer = 0;
  uint32_t epoch = 0;
  // Signals: how many threads of the process had exited when the
  // signaller took `to_inst` (a signal made with a lock taken after the
  // waiter's exit cannot be what that waiter waited for).
  uint32_t exits = 0;
  // Signals: the lock was held across an untimed wait of the signaller
  // before this signal (see WaitCycleSearch's lock joints).
  bool after_wait = false;
  static constexpr uint32_t kHeld = ~0u;
  // Fences that a GPU completes: how a wait or signal edge reached its
  // fence (kHow*). A submission satisfies only the waits for it.
  uint8_t how = 0;
  // `to_inst` is already the instance's version for the wait rules (a
  // released lock: see WindowEntry::version).
  bool to_versioned = false;
  // Signals: `to_inst` was taken after the thread with this id let go of
  // its lifetime hold of it (see Engine::release).
  uint32_t after_lifetime_of = 0;
};

// Engine::signallers_ values: the first two threads that signalled the
// object (30 bits each: Linux thread ids stay below 2^22) and whether a
// third one has. Enough to tell whether some signaller never took a lock
// that the others took (see only_one_of_many in cycle_status.cpp).
inline constexpr uint64_t kSignallerTidMask = (1ull << 30) - 1;
inline constexpr uint64_t kMoreSignallers = 1ull << 62;
// How many threads signalled: 1, 2, or 3 for "three or more".
inline uint32_t signaller_count(uint64_t v) {
  if (v & kMoreSignallers)
    return 3;
  return ((v >> 30) & kSignallerTidMask) ? 2 : 1;
}
// `v` with thread `tid` counted among the signallers.
inline uint64_t with_signaller(uint64_t v, uint32_t tid) {
  uint64_t first = v & kSignallerTidMask, second = (v >> 30) & kSignallerTidMask;
  if ((v & kMoreSignallers) || tid == first || tid == second)
    return v;
  if (!second)
    return v | (uint64_t(tid) & kSignallerTidMask) << 30;
  return v | kMoreSignallers;
}

// Occurrence::how and WaitEvidence::Sample::how.
inline constexpr uint8_t kHowForSubmit = 1u << 0; // a wait that a submission satisfies
inline constexpr uint8_t kHowSubmitOnly = 1u << 1; // a submission, not a completion

// Classes whose objects stand for one another in the wait rules: a fence
// timeline (any of its fences for the next), one-shot handshakes (a waiter
// made per wait), a class the program named.
bool instances_interchangeable(ClassRegistry &classes, ClassId c);

struct PendingReport {
  ReportKind kind;
  uint32_t pid;
  uint32_t tid;
  ClassId subject;
  EdgeKind subject_kind;
  bool subject_read;
  bool predicted; // class-predicted (see CycleStatus)
  Cycle cycle;    // edges[0] is the new edge
  ClassId gate;
  LrUse lr_use;
  ClassId lr_context;
  StackId stack; // where the reporting context is now
  // Instance cycles (fence awaits, locks of one class): the instances and
  // their classes in cycle order; link i runs inst[i] -> inst[i + 1], the
  // last back to inst[0], recorded by inst_tid[i] with inst_stack[i].
  uint32_t inst_len;
  uint32_t inst_total; // the whole cycle's length, when longer than inst_len
  uint64_t inst[kMaxCycle];
  ClassId inst_class[kMaxCycle];
  StackId inst_stack[kMaxCycle];
  uint32_t inst_tid[kMaxCycle];
  uint8_t inst_types[kMaxCycle]; // kDep* of each link: which holds were reads
  // The locks held: all of them, or - when more than a report holds - every
  // one of the cycle's classes and the most recent others, in order, each
  // with its place in the held set.
  uint32_t nheld;
  uint32_t nheld_total;
  HeldEntry held[kReportHeld];
  uint8_t held_index[kReportHeld];
};

struct EngineOptions {
  uint32_t pid = 0;
  bool report_gated = false; // show cycles hidden by a common gate lock
  uint32_t max_classes = ClassRegistry::kDefaultCapacity;
  uint32_t max_edges = DepGraph::kDefaultEdges;
  // Offline analysis: record edges without a cycle search on each new one
  // (quadratic on large graphs); the caller searches the finished graph once
  // and queues what it finds through report_cycle().
  bool defer_cycle_search = false;
  // Offline analysis (one replaying thread): log2 of the entries of a
  // second cache of known gate-free edges, shared by all replayed threads
  // and checked when a thread's own 128 entries miss: a trace's hot edges
  // outnumber one thread's cache, and each miss is two probes of tables far
  // larger than the CPU caches. 0 (the runtime): none, threads would
  // contend on it.
  uint32_t shared_edge_cache_bits = 0;
  // Judge class cycles by their instances and threads (CycleStatus):
  // needs the instances of every event, as the runtime has them.
  bool instance_rules = true;
  bool report_predicted = true; // print class-predicted cycles
};

struct EngineStats {
  uint64_t edges_dropped;
  uint64_t classes_overflowed;
  uint64_t reports_dropped;
  uint64_t held_overflows;
  uint64_t gated_hidden;
  uint64_t duplicates;
  uint64_t self_wake_hidden; // cycles that need a thread to wake itself
  uint64_t predicted;        // class-predicted cycles found
  uint64_t instance_pairs_dropped;
};

class Engine {
public:
  bool init(const EngineOptions &opts);
  void set_pid(uint32_t pid) { opts_.pid = pid; }
  // Offline analysis: new edges remember which input they came from (1-based).
  void set_trace(uint32_t index) { trace_ = index; }
  const EngineOptions &options() const { return opts_; }

  ClassRegistry &classes() { return classes_; }
  StackDepot &stacks() { return stacks_; }
  DepGraph &graph() { return graph_; }
  ClassId reclaim_class() const { return reclaim_; }

  // --- events ---------------------------------------------------------
  // A lock was taken (after the real call succeeded). `is_try`: a successful
  // trylock/timedlock, which joins the held set without incoming edges.
  void acquire(ThreadState &t, ClassId c, uint64_t inst, bool read, bool is_try,
               uint64_t pc, StackSource &st) {
    if (!is_try)
      acquire_begin(t, c, inst, read, st);
    acquire_end(t, c, inst, read, is_try, pc);
  }
  // The two halves of a blocking acquire: edges are recorded before the
  // real call may block (so a real deadlock is still reported), the lock
  // joins the held set once the call succeeded.
  void acquire_begin(ThreadState &t, ClassId c, uint64_t inst, bool read, StackSource &st);
  void acquire_end(ThreadState &t, ClassId c, uint64_t inst, bool read, bool is_try,
                   uint64_t pc);
  void release(ThreadState &t, uint64_t inst);
  // A wait starts. `released_inst` is the mutex a condvar wait gives up;
  // `kind` is Wait, or WaitForSubmit for a fence that is not submitted yet;
  // `signaller` the thread that will signal it when that is known (a join:
  // the thread joined), 0 otherwise; `timed`: the wait has a timeout.
  void wait_begin(ThreadState &t, ClassId c, uint64_t inst, uint64_t released_inst,
                  uint64_t pc, StackSource &st, EdgeKind kind = EdgeKind::Wait,
                  uint32_t signaller = 0, bool timed = false);
  // A blocking wait completed. One-shot objects (fences, thread exits) stay
  // in the new window: a later signal from here depends on them; counting
  // objects (condvars, semaphores) do not, or every bounded queue would be a
  // cycle.
  void wait_end(ThreadState &t, ClassId c, uint64_t inst, bool one_shot, uint64_t pc);
  // Another object of the wait wait_end just ended also completed (poll on
  // several fds, a syncobj wait on all of its handles).
  void wait_end_more(ThreadState &t, ClassId c, bool one_shot, uint64_t pc) {
    if (one_shot)
      window_push(t, c, 0, false, pc);
  }
  void signal(ThreadState &t, ClassId c, uint64_t inst, uint64_t pc, StackSource &st);
  // Fence `inst` was submitted by this thread, to be completed by the GPU
  // once what it awaits has completed (a driver's submit ioctl): waits for
  // its submission (wait-for-submit) depend on what the thread holds and
  // took since its last completed wait, as for a signal; waits for its
  // completion do not, they follow its await edges.
  void submit(ThreadState &t, ClassId c, uint64_t inst, uint64_t pc, StackSource &st);
  // Returns a cookie for section_end (0 when the section was already open).
  int section_begin(ThreadState &t, ClassId c, uint64_t inst, uint64_t pc);
  void section_end(ThreadState &t, int cookie);
  void mm_begin(ThreadState &t, const char *label, uint64_t pc, StackSource &st);
  void mm_end(ThreadState &t);
  void might_reclaim(ThreadState &t, uint64_t pc, StackSource &st);
  void await(ThreadState &t, ClassId f, uint64_t fi, ClassId g, uint64_t gi,
             uint64_t pc, StackSource &st);
  // Fence instance `fi` will not signal before `gi` of the same timeline
  // (a submission awaiting another point of its own timeline, or its own
  // output): the instance await DAG only, no class self-edge. A cycle of
  // instances, `fi == gi` included, is an await-cycle.
  void await_instance(ThreadState &t, ClassId c, uint64_t fi, uint64_t gi, StackSource &st);
  // Fence class `f` will not signal before `g`: the class edge alone, for
  // fences whose instances cannot close an await cycle (a submission
  // awaiting fences submitted before it; see drm_submit.h).
  void await_class(ThreadState &t, ClassId f, ClassId g, uint64_t pc, StackSource &st);
  void fence_reset(uint64_t inst); // (re)initialised: drop its DAG edges
  // A lock destroyed: another at its address is another object.
  void forget_instance(uint64_t inst) {
    lock_instances_.forget(inst);
    waits_.forget(inst);
  }
  void resv_attach(ThreadState &t, ClassId f, uint64_t fi, uint64_t pc, StackSource &st);
  void fence_export(ThreadState &t, ClassId f, uint64_t fi, uint64_t pc, StackSource &st);

  // --- reports --------------------------------------------------------
  bool has_pending() const { return pending_count_.load(std::memory_order_acquire) != 0; }
  // Pops one pending report; false when none.
  bool pop_report(PendingReport *out);
  uint64_t reports_queued() const { return reports_total_.load(std::memory_order_relaxed); }
  // Queues a cycle found in the finished graph (defer_cycle_search) as if
  // edges[0] had just closed it: reported by that edge's thread, with the
  // edge's source as the held class. False when hidden by a common gate lock
  // or already reported.
  bool report_cycle(const Cycle &cyc);
  EngineStats stats() const;

  void reset_locks_after_fork();

private:
  // The per-thread cache of known gate-free edges (see ThreadState). With
  // the instance rules the instances are part of the key: a new object
  // behind a known edge is evidence to record (wait_evidence.h).
  uint64_t &edge_cache_slot(ThreadState &t, ClassId from, ClassId to, uint8_t type,
                            const Occurrence &o, uint64_t *key) const {
    *key = (((uint64_t(from) << 30) | to) << 4) | type;
    // One multiply: the slot index mixes the rest. The thread is part of
    // it too, for the cache offline replay shares between threads.
    if (opts_.instance_rules)
      *key ^= ((o.from_inst * 0x9e3779b97f4a7c15ull) ^
               (o.to_inst + o.epoch + (uint64_t(o.exits) << 20) + (uint64_t(o.how) << 32) +
                (uint64_t(t.tid) << 40) + (uint64_t(o.after_wait) << 63) +
                (uint64_t(o.after_lifetime_of) << 24))) |
              1;
    // The slot: the key's top bits after a multiply, which every bit of
    // the key reaches. (Shifts and xors of the key left the low bits of
    // `from` out of the index: a thread submitting two fence classes under
    // one lock evicted one edge with the other on every submission.)
    static_assert((ThreadState::kEdgeCacheSize & (ThreadState::kEdgeCacheSize - 1)) == 0);
    return t.edge_cache[(*key * 0x9e3779b97f4a7c15ull) >>
                        (64 - __builtin_ctz(ThreadState::kEdgeCacheSize))];
  }
  uint64_t *shared_edge_slot(uint64_t key) {
    return shared_edge_bits_ ? &shared_edge_cache_[(key * 0x9e3779b97f4a7c15ull) >>
                                                   (64 - shared_edge_bits_)]
                             : nullptr;
  }
  // True when edge `key` (its thread-cache slot `slot`) is known gate-free:
  // in the thread's cache, or in the shared one, which then fills the
  // thread's slot.
  bool edge_cached(uint64_t &slot, uint64_t key) {
    if (slot == key)
      return true;
    uint64_t *shared = shared_edge_slot(key);
    if (!shared || *shared != key)
      return false;
    slot = key;
    return true;
  }
  // Returns true when the new edge closed a reported (or hidden) cycle.
  // `from_inst` / `to_inst`: the instances behind this occurrence (the held
  // lock and the one taken; the object waited on or signalled), 0 if none.
  bool add_edge(ThreadState &t, ClassId from, ClassId to, EdgeKind kind, bool src_read,
                bool dst_read, uint64_t from_pc, StackSource &st, const Occurrence &o,
                bool report = true);
  // Records what an occurrence of edge `e` says about its instances and
  // threads; true when that is new.
  bool note_occurrence(ThreadState &t, EdgeId e, EdgeKind kind, bool src_read, bool dst_read,
                       const Occurrence &o, StackSource &st);
  CycleStatus classify(const Cycle &cyc, uint64_t close_from, uint64_t close_to,
                       bool close_src_read, bool close_dst_read, uint32_t *first_hidden_hop);
  CycleStatus lock_cycle_status(const Cycle &cyc, uint64_t from, uint64_t to, bool src_read,
                                bool dst_read);
  void watch(ThreadState &t, const Cycle &cyc, CycleStatus shown, ClassId subject,
             EdgeKind kind, bool read);
  void recheck_pending(ThreadState &t, EdgeId e, ClassId link_class, const Occurrence &o,
                       bool src_read, bool dst_read, StackSource &st);
  void sync_edge_cache(ThreadState &t) {
    uint32_t gen = watch_gen_.load(std::memory_order_acquire);
    if (__builtin_expect(t.cache_gen != gen, 0)) {
      for (uint64_t &slot : t.edge_cache)
        slot = 0;
      t.cache_gen = gen;
    }
  }
  // Edges into `to` from the held set, lockdep style: from the top entry,
  // continuing down past entries that have no incoming edge of their own
  // (trylocks, signalling sections).
  void add_edges_from_held(ThreadState &t, ClassId to, EdgeKind kind, bool read,
                           uint64_t skip_inst, uint64_t inst, StackSource &st,
                           uint32_t peer = 0, uint32_t peer_epoch = 0);
  void same_class_nesting(ThreadState &t, const HeldEntry &h, ClassId c, uint64_t inst,
                          bool read, StackSource &st);
  void queue_instance_cycle(ThreadState &t, InstanceGraph &g, uint32_t closing,
                            const InstancePath &path, ReportKind kind, ClassId subject,
                            EdgeKind subject_kind, StackSource &st);
  void window_push(ThreadState &t, ClassId c, uint64_t inst, bool read, uint64_t pc);
  static void mark_handed_off(ThreadState &t, uint64_t inst);
  void queue_cycle(ThreadState &t, const Cycle &cyc, ClassId subject, EdgeKind kind,
                   bool read, StackSource &st, bool predicted = false);
  void queue_lr(ThreadState &t, LrUse use, ClassId fence, ClassId ctx, StackSource &st);
  void queue(PendingReport &r, uint64_t dedup_key);
  void snapshot_held(const ThreadState &t, PendingReport &r);

  EngineOptions opts_;
  ClassRegistry classes_;
  StackDepot stacks_;
  DepGraph graph_;
  ClassId reclaim_ = kNoClass;
  uint32_t trace_ = 0;
  RawArray<uint64_t> shared_edge_cache_;
  uint32_t shared_edge_bits_ = 0;

  // Instances behind lock nestings (same-class nestings and the pairs
  // behind class edges), and the fence await DAG.
  InstanceGraph lock_instances_;
  InstanceGraph awaits_;
  // Who waited on / signalled which object along wait and signal edges.
  WaitEvidence waits_;
  // Class cycles found but not (yet) instance-confirmed: their edges are
  // watched (every occurrence is looked at, not cached) until new
  // instances confirm them.
  struct WatchedCycle {
    Cycle cyc;
    CycleStatus shown = CycleStatus::Hidden; // what has been reported of it so far
    ClassId subject = kNoClass;
    EdgeKind kind = EdgeKind::Acquire;
    bool read = false;
    bool used = false;
    uint64_t id = 0; // hash of its edge set
  };
  static constexpr unsigned kMaxWatched = 128;
  WatchedCycle watched_[kMaxWatched];
  SpinLock watched_lock_;
  std::atomic<uint32_t> watch_gen_{1};
  std::atomic<uint64_t> self_wake_hidden_{0};
  // Threads exited so far, and the count at each one's exit (by tid).
  std::atomic<uint32_t> exits_{0};
  AddressMap exit_gen_;
  // Condition variables and semaphores: which threads signalled each
  // object (see signaller_count).
  AddressMap signallers_;
  // Locks a thread held from before its first wait across its waits, by
  // the thread that let them go (see Engine::release).
  AddressMap lifetime_releases_;
  std::atomic<bool> any_lifetime_release_{false};
  uint32_t released_for_life_by(uint64_t inst) const;
  void note_lifetime_release(ThreadState &t, const HeldEntry &h);
  void note_signaller(ThreadState &t, ClassId c, uint64_t inst);
  // Happens-before through signals, enough for a joiner to know which of
  // the joined thread's history it has seen: a signal sequence per object
  // (hashed: a shared counter is still a clock for each object in it),
  // and each thread's latest signals, published for joiners to read.
  static constexpr uint32_t kSignalSeqBits = 14;
  RawArray<std::atomic<uint64_t>> signal_seq_;
  std::atomic<uint64_t> &signal_seq(uint64_t inst) {
    return signal_seq_[mix64(inst) >> (64 - kSignalSeqBits)];
  }
  struct SignalRecord {
    uint64_t object;
    uint64_t seq;
    uint32_t epoch; // the signaller's signal count after it
  };
  struct SignalRing {
    static constexpr unsigned kSize = 8;
    std::atomic<uint32_t> tid;
    uint32_t next;
    SignalRecord rec[kSize];
  };
  static constexpr uint32_t kRingBits = 12;
  RawArray<SignalRing> rings_;
  SignalRing &ring_of(uint32_t tid) { return rings_[mix64(tid) >> (64 - kRingBits)]; }
  // How many of `signaller`'s signals `t` has seen complete one of its
  // own waits (0: none known).
  uint32_t signals_seen(const ThreadState &t, uint32_t signaller);
  std::atomic<uint64_t> predicted_{0};

  AddressMap reported_;
  static constexpr unsigned kMaxPending = 256;
  PendingReport pending_[kMaxPending];
  uint32_t pending_head_ = 0;
  std::atomic<uint32_t> pending_count_{0};
  SpinLock pending_lock_;
  std::atomic<uint64_t> reports_total_{0};
  std::atomic<uint64_t> reports_dropped_{0};
  std::atomic<uint64_t> gated_hidden_{0};
  std::atomic<uint64_t> duplicates_{0};
  std::atomic<uint64_t> held_overflows_{0};
};

} // namespace fencedep
