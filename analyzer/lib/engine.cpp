// Searches from contexts. Each search is a breadth-first walk over calls
// from one source (a registered root, or the sites of one function that
// run inside a section, a reclaim region, an MM lock, or with a
// long-running fence in hand), carrying what the path has established:
// the values bound to the callee's parameters and the locks held by
// callers. Effects reached are judged by a visitor; breadth-first order
// makes the first path to a finding the shortest.
#include "fencedep/analyzer/engine.h"

#include "program.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace fencedep::analyzer {

namespace {

constexpr unsigned kMaxDepth = 24;
constexpr unsigned kStatesPerFunction = 4;

struct Node {
  unsigned fn = 0;
  int parent = -1;
  int viaCall = -1; // call index in the parent's function
  std::vector<ArgVal> bind;
  std::vector<Held> held; // held by callers along the path
  unsigned depth = 0;
};

// What a search starts from.
struct Source {
  unsigned fn = 0;
  // Role roots take every effect and call of fn; site sources only those
  // the filters accept.
  std::function<bool(const Effect &)> effectFilter;
  std::function<bool(const CallSite &)> callFilter;
  // Notes that open every finding's path: the role registration, or the
  // context of the first site (section begin, lock acquisition, ...).
  std::vector<Note> prefix;
  std::function<void(const Context &, std::vector<Note> &)> contextNotes;
};

// What the visitor sees of an effect reached by a search.
struct Reached {
  const Effect &effect;
  const Context &firstCtx; // context of the source's site that led here
  FenceVal fence;          // resolved
  GfpVal gfp;              // resolved
  LockRef lock;            // resolved
  std::vector<Held> held;  // callers' and own
  // An LR predicate's value where the effect's own function calls it. A
  // guard does not carry into callees: in xe, the helpers called only in
  // LR mode are the ones that attach and wait on preempt fences, which
  // are ordinary fences by design (found on Linux 6.12: a caller's
  // xe_vm_in_preempt_fence_mode() made xe_vm_add_compute_exec_queue()'s
  // preempt fence look long-running).
  Tri guard = Tri::Unknown;
  Loc guardLoc;
  std::string guardText;
};

using Visitor = std::function<void(const Reached &, const std::function<std::vector<Note>()> &)>;

class Engine {
public:
  explicit Engine(const std::vector<TuSummary> &tus) : prog(tus) {}

  std::vector<Finding> run();

private:
  Program prog;
  std::map<std::tuple<std::string, unsigned, unsigned, int>, Finding> found;

  void search(const Source &Src, unsigned Mask, const Visitor &Visit);
  void report(CheckId Id, const Loc &At, std::string Message, std::vector<Note> Notes);

  FenceVal resolve(const FenceVal &V, const Node &N) const;
  GfpVal resolve(const GfpVal &G, const Node &N) const;
  LockRef resolve(const LockRef &L, const Node &N) const;

  std::vector<Note> pathNotes(const std::vector<Node> &Nodes, int Leaf) const;
  std::vector<Note> lrNotes(const Reached &R) const;
  std::vector<Note> heldAcrossNotes(const HeldAcross &A) const;
  Source roleSource(const Role &R) const;

  void siteSearches(const std::function<bool(const Context &)> &Pred,
                    const std::function<void(const Context &, std::vector<Note> &)> &CtxNotes,
                    unsigned Mask, const Visitor &Visit);
  void signallingChecks();
  void atomicChecks();
  void reclaimChecks();
  void mmLockChecks();
  void lrFlowChecks();
  void afterEndChecks();
  void sectionIssues();
};

FenceVal Engine::resolve(const FenceVal &V, const Node &N) const {
  switch (V.kind) {
  case FenceVal::Param:
    if (V.param >= 0 && static_cast<size_t>(V.param) < N.bind.size())
      return N.bind[V.param].fence;
    return {};
  case FenceVal::ReturnOf:
    return prog.returnsLr(V.callee);
  case FenceVal::Lr:
  case FenceVal::Unknown:
    return V;
  }
  return {};
}

GfpVal Engine::resolve(const GfpVal &G, const Node &N) const {
  if (G.kind != GfpVal::Param)
    return G;
  if (G.param >= 0 && static_cast<size_t>(G.param) < N.bind.size())
    return N.bind[G.param].gfp;
  return {};
}

LockRef Engine::resolve(const LockRef &L, const Node &N) const {
  if (L.known() || L.param < 0)
    return L;
  if (static_cast<size_t>(L.param) < N.bind.size())
    return N.bind[L.param].lock;
  return {};
}

static std::string signature(const Node &N) {
  std::string S = std::to_string(N.fn);
  for (const ArgVal &A : N.bind)
    S += "|" + std::to_string(A.fence.kind) + A.fence.origin.str() + "," +
         std::to_string(A.gfp.kind) + "," + A.lock.cls;
  for (const Held &H : N.held)
    S += "|" + H.lock.cls;
  return S;
}

void Engine::search(const Source &Src, unsigned Mask, const Visitor &Visit) {
  std::vector<Node> Nodes;
  std::deque<unsigned> Queue;
  std::set<std::string> Seen;
  std::unordered_map<unsigned, unsigned> States;
  // The context of the source site each node descends from.
  std::vector<const Context *> First;

  Node Start;
  Start.fn = Src.fn;
  Nodes.push_back(std::move(Start));
  First.push_back(nullptr);
  Queue.push_back(0);
  while (!Queue.empty()) {
    unsigned I = Queue.front();
    Queue.pop_front();
    const FunctionSummary &Fn = *prog.fns[Nodes[I].fn];
    bool Root = I == 0;
    for (const Effect &E : Fn.effects) {
      if (Root && Src.effectFilter && !Src.effectFilter(E))
        continue;
      const Node &N = Nodes[I];
      const Context &FirstCtx = Root ? E.ctx : *First[I];
      Reached R{E,
                FirstCtx,
                resolve(E.fence, N),
                resolve(E.gfp, N),
                resolve(E.lock, N),
                N.held,
                E.ctx.lrGuard,
                E.ctx.guardLoc,
                E.ctx.guardText};
      for (const Held &H : E.ctx.held) {
        Held Own = H;
        Own.lock = resolve(H.lock, N);
        R.held.push_back(std::move(Own));
      }
      auto Notes = [&, I]() {
        std::vector<Note> Out = Src.prefix;
        if (Src.contextNotes)
          Src.contextNotes(FirstCtx, Out);
        std::vector<Note> Path = pathNotes(Nodes, static_cast<int>(I));
        Out.insert(Out.end(), Path.begin(), Path.end());
        return Out;
      };
      Visit(R, Notes);
    }
    if (Nodes[I].depth >= kMaxDepth)
      continue;
    for (size_t C = 0; C < Fn.calls.size(); ++C) {
      const CallSite &Call = Fn.calls[C];
      if (Root && Src.callFilter && !Src.callFilter(Call))
        continue;
      for (unsigned T : prog.targets[Nodes[I].fn][C]) {
        if (!(prog.reach[T] & Mask))
          continue;
        Node Child;
        Child.fn = T;
        Child.parent = static_cast<int>(I);
        Child.viaCall = static_cast<int>(C);
        Child.depth = Nodes[I].depth + 1;
        const Node &P = Nodes[I];
        for (const ArgVal &A : Call.args)
          Child.bind.push_back({resolve(A.fence, P), resolve(A.gfp, P), resolve(A.lock, P)});
        Child.held = P.held;
        for (const Held &H : Call.ctx.held) {
          Held Own = H;
          Own.lock = resolve(H.lock, P);
          Child.held.push_back(std::move(Own));
        }
        if (States[T] >= kStatesPerFunction || !Seen.insert(signature(Child)).second)
          continue;
        ++States[T];
        const Context *Ctx = Root ? &Call.ctx : First[I];
        Nodes.push_back(std::move(Child));
        First.push_back(Ctx);
        Queue.push_back(static_cast<unsigned>(Nodes.size() - 1));
      }
    }
  }
}

std::vector<Note> Engine::pathNotes(const std::vector<Node> &Nodes, int Leaf) const {
  std::vector<Note> Rev;
  for (int I = Leaf; I > 0; I = Nodes[I].parent) {
    const Node &N = Nodes[I];
    const FunctionSummary &Caller = *prog.fns[Nodes[N.parent].fn];
    const CallSite &Call = Caller.calls[N.viaCall];
    std::string Callee = prog.fns[N.fn]->name;
    std::string What = Call.callee.rfind("field:", 0) == 0
                           ? "'" + Call.calleeName + "' ('" + Callee + "')"
                           : "'" + Callee + "'";
    Rev.push_back({Call.loc, "'" + Caller.name + "' calls " + What + " here", true, N.depth});
  }
  std::reverse(Rev.begin(), Rev.end());
  return Rev;
}

void Engine::report(CheckId Id, const Loc &At, std::string Message, std::vector<Note> Notes) {
  auto Key = std::make_tuple(At.file, At.line, At.col, static_cast<int>(Id));
  auto It = found.find(Key);
  if (It != found.end() && It->second.notes.size() <= Notes.size())
    return;
  found[Key] = Finding{Id, At, std::move(Message), std::move(Notes)};
}

static std::string roleText(const Role &R) {
  bool ViaCall = !R.via.empty() && R.via.back() == ')';
  return ViaCall ? "passed to " + R.via + " here" : "registered as " + R.via + " here";
}

Source Engine::roleSource(const Role &R) const {
  Source S;
  S.fn = *prog.find(R.function);
  std::string What;
  switch (R.kind) {
  case RoleKind::SignallingRoot:
    What = "'" + R.name + "' is on a dma-fence signalling path: " + roleText(R);
    break;
  case RoleKind::AtomicCallback:
    What = "'" + R.name + "' runs in atomic context: " + roleText(R);
    break;
  case RoleKind::MmContext:
    What = "'" + R.name + "' runs in memory reclaim: " + roleText(R);
    break;
  }
  S.prefix.push_back({R.loc, What, true, 0});
  return S;
}

std::vector<Note> Engine::lrNotes(const Reached &R) const {
  std::vector<Note> Out;
  if (R.fence.kind == FenceVal::Lr && R.fence.origin.valid())
    Out.push_back({R.fence.origin, "the fence is long-running: " + R.fence.why, false, 0});
  else if (R.guard == Tri::True)
    Out.push_back({R.guardLoc, "'" + R.guardText + "' is true on this path: its fences are long-running",
                   false, 0});
  return Out;
}

std::vector<Note> Engine::heldAcrossNotes(const HeldAcross &A) const {
  std::vector<Note> Out;
  const Effect &E = prog.fns[A.blockFn]->effects[A.blockEffect];
  Out.push_back({A.heldAt, "'" + A.cls + "' is held here by '" + prog.fns[A.holder]->name + "'",
                 false, 0});
  for (const auto &[F, C] : A.calls)
    Out.push_back({prog.fns[F]->calls[C].loc,
                   "'" + prog.fns[F]->name + "' calls '" + prog.fns[F]->calls[C].calleeName +
                       "' here with '" + A.cls + "' held",
                   false, 0});
  std::string What = E.kind == EffectKind::Wait
                         ? "which waits on a fence here ('" + E.api + "')"
                         : "which allocates with " + E.gfp.spelling + " here ('" + E.api +
                               "'), entering reclaim that waits on fences";
  Out.push_back({E.loc, What, false, 0});
  return Out;
}

static bool isLr(const Reached &R) {
  return R.fence.kind == FenceVal::Lr || R.guard == Tri::True;
}

static void sectionNote(const Context &C, std::vector<Note> &Out) {
  if (C.inSection)
    Out.push_back({C.sectionBegin, "the dma-fence signalling section begins here", true, 0});
}

void Engine::siteSearches(const std::function<bool(const Context &)> &Pred,
                          const std::function<void(const Context &, std::vector<Note> &)> &CtxNotes,
                          unsigned Mask, const Visitor &Visit) {
  for (unsigned F = 0; F < prog.fns.size(); ++F) {
    const FunctionSummary &Fn = *prog.fns[F];
    bool Any = std::any_of(Fn.effects.begin(), Fn.effects.end(),
                           [&](const Effect &E) { return Pred(E.ctx); }) ||
               std::any_of(Fn.calls.begin(), Fn.calls.end(),
                           [&](const CallSite &C) { return Pred(C.ctx); });
    if (!Any)
      continue;
    Source S;
    S.fn = F;
    S.effectFilter = [&Pred](const Effect &E) { return Pred(E.ctx); };
    S.callFilter = [&Pred](const CallSite &C) { return Pred(C.ctx); };
    S.contextNotes = CtxNotes;
    search(S, Mask, Visit);
  }
}

void Engine::signallingChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    if (E.kind == EffectKind::Wait) {
      report(CheckId::SignallingWait, E.loc,
             "fence wait '" + E.api +
                 "' on a dma-fence signalling path; signalling a fence must not wait on other "
                 "fences",
             Notes());
    } else if (E.kind == EffectKind::Alloc && R.gfp.kind == GfpVal::Reclaim) {
      report(CheckId::SignallingAlloc, E.loc,
             "allocation with " + R.gfp.spelling + " ('" + E.api +
                 "') may enter memory reclaim, which waits on dma-fences, on a signalling path; "
                 "use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts",
             Notes());
    } else if (E.kind == EffectKind::Lock && !E.trylock && E.resv) {
      report(CheckId::SignallingResvLock, E.loc,
             "dma-resv lock taken by '" + E.api +
                 "' on a dma-fence signalling path; holders of dma-resv locks wait on fences, "
                 "use dma_resv_trylock() or lock before signalling starts",
             Notes());
    } else if (E.kind == EffectKind::Lock && !E.trylock && !E.resv && R.lock.known()) {
      auto It = prog.heldAcross.find(R.lock.cls);
      if (It == prog.heldAcross.end())
        return;
      const Effect &B = prog.fns[It->second.blockFn]->effects[It->second.blockEffect];
      std::vector<Note> All = Notes();
      std::vector<Note> Evidence = heldAcrossNotes(It->second);
      All.insert(All.end(), Evidence.begin(), Evidence.end());
      report(CheckId::SignallingLockInversion, E.loc,
             "lock '" + R.lock.cls + "' taken by '" + E.api +
                 "' on a dma-fence signalling path is held elsewhere across " +
                 (B.kind == EffectKind::Wait ? "a fence wait"
                                             : "an allocation that may enter reclaim") +
                 "; the two can deadlock",
             std::move(All));
    }
  };
  unsigned Mask = kReachWait | kReachAlloc | kReachLock;
  for (const Role *R : prog.roles)
    if (R->kind == RoleKind::SignallingRoot && prog.find(R->function))
      search(roleSource(*R), Mask, Visit);
  siteSearches([](const Context &C) { return C.inSection; }, sectionNote, Mask, Visit);
}

void Engine::atomicChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    bool Sleeps = E.kind == EffectKind::Sleep || E.kind == EffectKind::Wait ||
                  (E.kind == EffectKind::Alloc && R.gfp.kind == GfpVal::Reclaim) ||
                  (E.kind == EffectKind::Lock && E.sleeps && !E.trylock);
    if (!Sleeps)
      return;
    std::string Why = E.kind == EffectKind::Wait    ? " (a fence wait)"
                      : E.kind == EffectKind::Lock  ? " (a sleeping lock)"
                      : E.kind == EffectKind::Alloc ? " (an allocation with " + R.gfp.spelling + ")"
                                                    : "";
    report(CheckId::AtomicCallbackSleep, E.loc,
           "'" + E.api + "'" + Why +
               " may sleep in a dma-fence callback, which runs in atomic context with the "
               "fence lock held",
           Notes());
  };
  for (const Role *R : prog.roles)
    if (R->kind == RoleKind::AtomicCallback && prog.find(R->function))
      search(roleSource(*R), kReachSleep | kReachAlloc, Visit);
}

void Engine::reclaimChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    if (R.effect.kind != EffectKind::Wait || !isLr(R))
      return;
    std::vector<Note> All = Notes();
    std::vector<Note> Lr = lrNotes(R);
    All.insert(All.end(), Lr.begin(), Lr.end());
    report(CheckId::LrWaitInReclaim, R.effect.loc,
           "wait on a long-running fence ('" + R.effect.api +
               "') is reachable from memory reclaim; reclaim would wait for userspace",
           std::move(All));
  };
  for (const Role *R : prog.roles)
    if (R->kind == RoleKind::MmContext && prog.find(R->function))
      search(roleSource(*R), kReachWait, Visit);
  siteSearches([](const Context &C) { return C.inReclaim; },
               [](const Context &C, std::vector<Note> &Out) {
                 Out.push_back({C.reclaimBegin, "the memory reclaim region begins here", true, 0});
               },
               kReachWait, Visit);
}

static const Held *firstMm(const std::vector<Held> &Held) {
  for (const auto &H : Held)
    if (H.mm)
      return &H;
  return nullptr;
}

void Engine::mmLockChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Held *Mm = firstMm(R.held);
    if (R.effect.kind != EffectKind::Wait || !isLr(R) || !Mm)
      return;
    std::vector<Note> All = Notes();
    if (!firstMm(R.firstCtx.held))
      All.insert(All.begin(), Note{Mm->at, "'" + Mm->lock.cls + "' is taken here", true, 0});
    std::vector<Note> Lr = lrNotes(R);
    All.insert(All.end(), Lr.begin(), Lr.end());
    report(CheckId::LrWaitUnderMmLock, R.effect.loc,
           "wait on a long-running fence ('" + R.effect.api + "') while holding MM lock '" +
               Mm->lock.cls + "'; reclaim and page faults would wait for userspace",
           std::move(All));
  };
  siteSearches([](const Context &C) { return firstMm(C.held) != nullptr; },
               [](const Context &C, std::vector<Note> &Out) {
                 const Held *Mm = firstMm(C.held);
                 Out.push_back({Mm->at, "'" + Mm->lock.cls + "' is taken here", true, 0});
               },
               kReachWait, Visit);
}

void Engine::lrFlowChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    auto WithLr = [&]() {
      std::vector<Note> All = Notes();
      std::vector<Note> Lr = lrNotes(R);
      All.insert(All.end(), Lr.begin(), Lr.end());
      return All;
    };
    if (E.kind == EffectKind::Attach && isLr(R)) {
      report(CheckId::LrResvAttach, E.loc,
             "long-running fence attached to a reservation object by '" + E.api +
                 "'; every fence in a dma-resv must signal in bounded time",
             WithLr());
    } else if (E.kind == EffectKind::Export && isLr(R)) {
      report(CheckId::LrExport, E.loc,
             "long-running fence exported or wrapped by '" + E.api +
                 "'; exported fences and fence containers must signal in bounded time",
             WithLr());
    } else if (E.kind == EffectKind::Dependency && R.fence.kind == FenceVal::Lr &&
               R.guard != Tri::True) {
      report(CheckId::LrDependency, E.loc,
             "long-running fence made a dependency of ordinary work by '" + E.api +
                 "'; that work's fence would wait for userspace",
             WithLr());
    }
  };
  // Sources: every function with a sink, and every call that hands a
  // long-running fence to a callee.
  for (unsigned F = 0; F < prog.fns.size(); ++F) {
    const FunctionSummary &Fn = *prog.fns[F];
    Node Here;
    Here.fn = F;
    auto CallIsLr = [this, Here](const CallSite &C) {
      return std::any_of(C.args.begin(), C.args.end(), [&](const ArgVal &A) {
        return resolve(A.fence, Here).kind == FenceVal::Lr;
      });
    };
    auto IsSink = [](const Effect &E) {
      return E.kind == EffectKind::Attach || E.kind == EffectKind::Export ||
             E.kind == EffectKind::Dependency;
    };
    bool Any = std::any_of(Fn.effects.begin(), Fn.effects.end(), IsSink) ||
               std::any_of(Fn.calls.begin(), Fn.calls.end(), CallIsLr);
    if (!Any)
      continue;
    Source S;
    S.fn = F;
    S.effectFilter = IsSink;
    S.callFilter = CallIsLr;
    search(S, kReachSink, Visit);
  }
}

void Engine::afterEndChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    if (E.kind != EffectKind::Lock || E.trylock || !R.lock.known())
      return;
    auto It = prog.heldAcross.find(R.lock.cls);
    if (It == prog.heldAcross.end())
      return;
    std::vector<Note> All = Notes();
    std::vector<Note> Evidence = heldAcrossNotes(It->second);
    All.insert(All.end(), Evidence.begin(), Evidence.end());
    report(CheckId::SignallingUnbalanced, E.loc,
           "lock '" + R.lock.cls +
               "' is taken after the signalling section ended, but this work still delays "
               "fence signalling and the lock is held elsewhere across a fence wait or "
               "reclaim; end the section after it",
           std::move(All));
  };
  siteSearches([](const Context &C) { return C.afterEnd; },
               [](const Context &C, std::vector<Note> &Out) {
                 Out.push_back({C.sectionEnd, "the signalling section ends here", true, 0});
               },
               kReachLock, Visit);
}

void Engine::sectionIssues() {
  for (const FunctionSummary *Fn : prog.fns)
    for (const SectionIssue &I : Fn->sectionIssues) {
      switch (I.kind) {
      case SectionIssueKind::OpenAtExit:
        report(CheckId::SignallingUnbalanced, I.loc,
               "'" + I.api + "()' without a matching end on some path of '" + Fn->name + "'",
               {{I.other, "'" + Fn->name + "' returns here with the signalling section open",
                 true, 0}});
        break;
      case SectionIssueKind::CookieDiscarded:
        report(CheckId::SignallingUnbalanced, I.loc,
               "the cookie returned by '" + I.api +
                   "()' is discarded; keep it and pass it to the end of the section",
               {});
        break;
      case SectionIssueKind::BogusCookie:
        report(CheckId::SignallingUnbalanced, I.loc,
               "'" + I.api +
                   "()' is passed a constant instead of the cookie its section began with",
               {});
        break;
      }
    }
}

std::vector<Finding> Engine::run() {
  signallingChecks();
  atomicChecks();
  reclaimChecks();
  mmLockChecks();
  lrFlowChecks();
  afterEndChecks();
  sectionIssues();
  std::vector<Finding> Out;
  for (auto &[Key, F] : found)
    Out.push_back(std::move(F));
  return Out;
}

} // namespace

std::vector<Finding> analyzeProgram(const std::vector<TuSummary> &tus) {
  return Engine(tus).run();
}

} // namespace fencedep::analyzer
