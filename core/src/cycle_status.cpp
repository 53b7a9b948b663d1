// How sure a class cycle is: instance-confirmed, class-predicted, or hidden
// (see CycleStatus in wait_evidence.h). Lock-only cycles are judged on the
// lock instance graph: confirmed when instances close them, else
// class-predicted (lockdep's prediction). Cycles through waits on the wait
// evidence: confirmed when the very objects line up, else hidden - a
// per-object condvar, barrier or thread exit signalled by one thread says
// nothing about another object of its class waited on by another thread.
#include "fencedep/core/engine.h"

namespace fencedep {

namespace {

bool is_wait_edge(EdgeKind k) { return k == EdgeKind::Wait || k == EdgeKind::WaitForSubmit; }

// Looks for samples, one per edge of a cycle, that line up: each edge
// starts at the instance the previous one ended at (any fence of a
// timeline standing for another), and each signal following a wait comes
// from another thread than that wait.
class WaitCycleSearch {
public:
  WaitCycleSearch(DepGraph &g, ClassRegistry &c, const WaitEvidence &w, const AddressMap &exits,
                  const AddressMap &signallers, const Cycle &cyc, uint32_t start)
      : graph_(g), classes_(c), waits_(w), exits_(exits), signallers_(signallers), cyc_(cyc),
        start_(start) {}

  // True when the samples close the cycle; *gave_up when the search was
  // cut short (too many combinations).
  bool run(bool *gave_up) {
    bool found = step(0, 0, 0, Waiter{}, Hop{});
    *gave_up = budget_ == 0;
    return found;
  }

private:
  struct Waiter {
    bool active = false; // the previous edge was a wait
    uint32_t tid = 0;
    bool multi = false;
    uint32_t peer = 0;  // a join: the thread joined...
    uint32_t epoch = 0; // ...and how many of its signals the joiner had seen
    bool for_submit = false; // the wait was for a submission
  };
  // The sample taken for an edge, as far as the next edge's lock joint
  // needs it.
  struct Hop {
    EdgeKind kind = EdgeKind::Acquire;
    bool set = false;
    bool multi = false;
    bool after_wait = false;
    uint32_t tid = 0;
    uint32_t after_lifetime_of = 0;
  };

  // A signal edge into lock L says its signaller took L since its last
  // completed wait and before signalling; the wait edge out of L says a
  // thread waited while holding L. When both are the same thread, the
  // signal came before that wait (a completed wait empties the window the
  // signal edge is drawn from), so the signaller was never held up by L:
  // CPython's worker holds its thread-state lock for life, signals that it
  // started, then waits for work under it.
  //
  // And a signaller that took L only after thread X let go of its lifetime
  // hold of L (a joiner) was not held up by anything X did under that
  // hold: the joint is closed to X's samples out of L.
  bool own_lock_joint(const Hop &in, const Hop &out, ClassId lock) const {
    if (!in.set || !out.set || in.kind != EdgeKind::Signal || out.multi ||
        !is_lock_kind(classes_.info(lock).kind))
      return false;
    if (in.after_lifetime_of && in.after_lifetime_of == out.tid)
      return true;
    return is_wait_edge(out.kind) && !in.multi && !in.after_wait && in.tid == out.tid;
  }

  bool step(uint32_t i, uint64_t at, uint64_t first, Waiter w, Hop prev) {
    if (budget_ == 0)
      return false;
    --budget_;
    if (i == cyc_.size) {
      if (own_lock_joint(prev, first_hop_, graph_.edge(cyc_.edges[start_]).from))
        return false;
      return !at || !first || at == first;
    }
    // Samples of objects that stand for one another (a waiter made per
    // wait) lead to the same states again and again: remember the states
    // that closed nothing.
    uint64_t state = state_key(i, at, first, w, prev);
    uint64_t &memo = failed_[state % kMemoSize];
    if (memo == state)
      return false;
    bool found = expand(i, at, first, w, prev);
    if (!found && budget_)
      memo = state;
    return found;
  }

  static uint64_t hop_key(const Hop &h) {
    return mix64((uint64_t(h.tid) << 32 | h.after_lifetime_of) ^
                 (uint64_t(h.kind) << 8 | uint64_t(h.set) | uint64_t(h.multi) << 1 |
                  uint64_t(h.after_wait) << 2) << 40);
  }

  uint64_t state_key(uint32_t i, uint64_t at, uint64_t first, const Waiter &w,
                     const Hop &prev) const {
    uint64_t k = mix64(at * 31 + i);
    k = mix64(k ^ first);
    k = mix64(k ^ (uint64_t(w.tid) << 32 | w.epoch) ^ (uint64_t(w.peer) << 8) ^
              (uint64_t(w.active) | uint64_t(w.multi) << 1 | uint64_t(w.for_submit) << 2));
    k = mix64(k ^ hop_key(prev));
    k = mix64(k ^ hop_key(first_hop_));
    return k | 1;
  }

  bool expand(uint32_t i, uint64_t at, uint64_t first, Waiter w, Hop prev) {
    EdgeId id = cyc_.edges[(start_ + i) % cyc_.size];
    const EdgeInfo &e = graph_.edge(id);
    if (!waits_.has(id)) {
      // An edge between no instances (a reclaim context) constrains
      // nothing; one whose instances are still being recorded by the
      // thread that made it closes nothing yet.
      if (e.from_inst || e.to_inst)
        return false;
      return step(i + 1, 0, first, Waiter{}, Hop{});
    }
    // A fence timeline is one object: any of its fences stands for another.
    uint64_t from = loose(e.from) ? 0 : at;
    bool found = false;
    auto visit = [&](const WaitEvidence::Sample &s) {
      // A submission stands only for what waits for a submission: the
      // fence's completion (after an await, a signal that waited for it,
      // a plain wait) is the GPU's, which needs nothing its submitter held.
      if ((s.how & kHowSubmitOnly) && !(w.active && w.for_submit))
        return true;
      if (w.active && e.kind == EdgeKind::Signal) {
        // A thread never wakes itself.
        if (!w.multi && !s.multi && w.tid == s.tid)
          return true;
        // The joined thread took this before a signal the joiner had
        // already seen complete one of its waits: it is done with it.
        if (w.peer && s.tid == w.peer && s.epoch < w.epoch)
          return true;
        // Signalled with a lock taken after the waiter exited: not what
        // the waiter waited for (a lock a thread holds for its whole life,
        // like CPython's thread-state lock, is taken by others only then).
        if (!w.multi && exited_before(w.tid, s.exits))
          return true;
      }
      if (e.kind == EdgeKind::Signal && only_one_of_many(id, s))
        return true;
      Hop hop{e.kind, true, s.multi, s.after_wait, s.tid, s.after_lifetime_of};
      if (own_lock_joint(prev, hop, e.from))
        return true;
      if (i == 0)
        first_hop_ = hop;
      Waiter next;
      if (is_wait_edge(e.kind))
        next = Waiter{true, s.tid, s.multi, s.peer, s.epoch, (s.how & kHowForSubmit) != 0};
      found = step(i + 1, s.to, i == 0 && !loose(e.from) ? s.from : first, next, hop);
      return !found;
    };
    // The closing edge must end where the first began: from any object of
    // a loose class, only the samples that do are worth a step (waiter
    // locks made per wait give thousands of samples each way).
    if (i + 1 == cyc_.size && !from && first) {
      waits_.for_each_to(id, first, visit);
      if (!found)
        waits_.for_each_to(id, 0, visit);
    } else {
      waits_.for_each(id, from, visit);
    }
    return found;
  }

  // A condition variable or semaphore that several threads signal wakes
  // its waiter whoever signals it: the signal needs the lock only if every
  // signaller took it. Some threads signalling under the lock while another
  // signals without it is not a dependency (CPython's GIL: whichever thread
  // takes the interpreter next signals the switch, under whatever Python
  // locks it happens to hold). A joiner that took a thread's lifetime lock
  // after it let go counts as taking it: while the thread holds it, the
  // joiner cannot signal either.
  bool only_one_of_many(EdgeId id, const WaitEvidence::Sample &s) const {
    uint64_t v;
    if (s.multi || !s.from || !s.to || !signallers_.find(s.from, &v))
      return false;
    uint32_t signallers = signaller_count(v);
    if (signallers < 2)
      return false;
    // Distinct threads that took the lock before signalling, up to the
    // number of signallers (a sample seen from several threads stands for
    // as many as there are).
    uint32_t takers[3] = {s.tid, 0, 0}, n = 1;
    waits_.for_each(id, s.from, [&](const WaitEvidence::Sample &o) {
      if (o.to != s.to)
        return true;
      if (o.multi) {
        n = signallers;
        return false;
      }
      bool known = false;
      for (uint32_t k = 0; k < n; ++k)
        known |= takers[k] == o.tid;
      if (!known)
        takers[n++] = o.tid;
      return n < signallers;
    });
    return n < signallers;
  }

  // A class that is one object for this purpose: a fence timeline (any of
  // its fences stands for the next), one-shot handshakes (a waiter made per
  // wait), or a class the program named (a name says "this lock", wherever
  // it is mapped: a process-shared lock has an address per process).
  bool loose(ClassId c) const { return instances_interchangeable(classes_, c); }

  // True when thread `tid` had exited when `exits` threads had.
  bool exited_before(uint32_t tid, uint32_t exits) const {
    uint64_t gen;
    return exits_.find(tid, &gen) && exits >= gen;
  }

  DepGraph &graph_;
  ClassRegistry &classes_;
  const WaitEvidence &waits_;
  const AddressMap &exits_;
  const AddressMap &signallers_;
  const Cycle &cyc_;
  uint32_t start_;
  Hop first_hop_;
  uint32_t budget_ = 20000;
  static constexpr uint32_t kMemoSize = 1021;
  uint64_t failed_[kMemoSize] = {};
};

// True when every edge of `cyc` says that one fence completes after
// another (awaits, and signals after completed waits) and no context blocks
// on anything: fences ordered on timelines, such as frames in flight or two
// queues taking turns, whose class graph is a cycle while their instances
// never are. Instances that do close such a cycle are a definite deadlock,
// reported when the closing await is recorded (await-cycle).
bool completions_only(const DepGraph &g, ClassRegistry &c, const Cycle &cyc) {
  for (uint32_t i = 0; i < cyc.size; ++i) {
    const EdgeInfo &e = g.edge(cyc.edges[i]);
    if (e.kind != EdgeKind::Await && e.kind != EdgeKind::Signal)
      return false;
    if (!is_fence_kind(c.info(e.from).kind) || !is_fence_kind(c.info(e.to).kind))
      return false;
  }
  return true;
}

} // namespace

bool instances_interchangeable(ClassRegistry &classes, ClassId c) {
  const ClassInfo &ci = classes.info(c);
  return is_fence_kind(ci.kind) ||
         (ci.flags.load(std::memory_order_relaxed) & (kClassNamed | kClassOneShot));
}

CycleStatus Engine::lock_cycle_status(const Cycle &cyc, uint64_t from, uint64_t to,
                                      bool src_read, bool dst_read) {
  if (!from || !to)
    return CycleStatus::Confirmed;
  ClassId classes[kMaxCycle];
  uint32_t n = 0;
  for (uint32_t i = 0; i < cyc.size; ++i)
    classes[n++] = graph_.edge(cyc.edges[i]).from;
  InstancePath path;
  if (!lock_instances_.find_path(to, from, classes, n, dst_read, src_read, &path))
    return CycleStatus::Predicted;
  // An instance cycle inside one class confirms nothing about this one.
  ClassId first = lock_instances_.node_class(lock_instances_.link(path.links[0]).from);
  for (uint32_t i = 0; i < path.size; ++i)
    if (lock_instances_.node_class(lock_instances_.link(path.links[i]).to) != first)
      return CycleStatus::Confirmed;
  return CycleStatus::Predicted;
}

CycleStatus Engine::classify(const Cycle &cyc, uint64_t close_from, uint64_t close_to,
                             bool close_src_read, bool close_dst_read,
                             uint32_t *first_hidden_hop) {
  if (cyc.truncated)
    return CycleStatus::Confirmed;
  bool all_locks = true;
  uint32_t first_wait = cyc.size;
  for (uint32_t i = 0; i < cyc.size; ++i) {
    const EdgeInfo &e = graph_.edge(cyc.edges[i]);
    all_locks &= e.kind == EdgeKind::Acquire && is_lock_kind(classes_.info(e.from).kind) &&
                 is_lock_kind(classes_.info(e.to).kind);
    if (is_wait_edge(e.kind) && first_wait == cyc.size)
      first_wait = i;
  }
  if (all_locks) {
    // An edge whose thread is still recording its first instances: that
    // thread judges the cycle once they are in (two threads racing through
    // one inversion would otherwise report it predicted, then confirmed).
    if (!waits_.dropped())
      for (uint32_t i = 0; i < cyc.size; ++i) {
        const EdgeInfo &e = graph_.edge(cyc.edges[i]);
        if ((e.from_inst || e.to_inst) && !waits_.has(cyc.edges[i])) {
          *first_hidden_hop = i;
          return CycleStatus::Hidden;
        }
      }
    return lock_cycle_status(cyc, close_from, close_to, close_src_read, close_dst_read);
  }
  if (first_wait == cyc.size) {
    if (completions_only(graph_, classes_, cyc)) {
      *first_hidden_hop = cyc.size > 1 ? 1 : 0;
      return CycleStatus::Hidden;
    }
    return CycleStatus::Confirmed; // signals and sections only: no waiter to wake
  }
  // The hop to ban when looking for another cycle: the signal after the
  // first wait.
  *first_hidden_hop = (first_wait + 1) % cyc.size;
  bool gave_up = false;
  if (WaitCycleSearch(graph_, classes_, waits_, exit_gen_, signallers_, cyc, first_wait)
          .run(&gave_up))
    return CycleStatus::Confirmed;
  // Too many combinations to tell: shown, marked as not confirmed.
  if (gave_up)
    return CycleStatus::Predicted;
  return CycleStatus::Hidden;
}

} // namespace fencedep
