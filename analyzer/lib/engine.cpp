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
#include <optional>
#include <unordered_map>
#include <unordered_set>

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
  int ctx = kAnyModule; // the module whose code the path is in (program.h)
  // The path went on after signalling its fence (or ending its section):
  // work it queues from here on does not delay that fence.
  bool afterSignal = false;
  // Entered as queued work: the path waits for the work until it signals,
  // not for what it does afterwards (freeing, putting references).
  bool viaWork = false;
  // The functions on the path that facts are scoped under (`under`): the
  // same function reached outside them is another state.
  std::string scopes;
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
  // What kind of context this is ("drm_sched_backend_ops.run_job", "a
  // signalling section") and which function: findings are one per kind
  // and sink, counting the other roots of the kind that reach the sink.
  std::string kind, root;
  // Follow work queued on the way: on a signalling path the fence waits
  // for it; an atomic or reclaim context does not.
  bool followWork = false;
  // Do not enter functions registered as this kind of context (1 << kind):
  // their own search reports what they reach, under their own kind.
  unsigned stopAtRoles = 0;
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
  const Source &source;
  const Node &node;
};

// Returns true to end the search.
using Visitor = std::function<bool(const Reached &, const std::function<std::vector<Note>()> &)>;

// Evidence that a lock is held across something that blocks on fences.
struct HeldWitness {
  unsigned depth = 0;
  bool wait = true; // a fence wait, else an allocation that may reclaim
  std::vector<Note> notes;
};


class Engine {
public:
  Engine(const std::vector<TuSummary> &tus, const ProgramFacts &F) : prog(tus), facts(F) {
    indexHolders();
    for (const auto *Scoped : {&facts.unreachableUnder, &facts.onlyUnder})
      for (const auto &[Key, Under] : *Scoped)
        scopeFns_.insert(Under.begin(), Under.end());
    for (const auto &[Key, Limits] : facts.absentOps)
      for (const ProgramFacts::OpsUnder &L : Limits)
        scopeFns_.insert(L.under.begin(), L.under.end());
  }

  std::vector<Finding> run();

private:
  Program prog;
  const ProgramFacts &facts;
  struct Found {
    Finding finding;
    std::pair<std::string, std::string> kept; // (root, kind) whose path is shown
    std::set<std::pair<std::string, std::string>> roots;
  };
  std::map<std::tuple<std::string, unsigned, unsigned, int>, Found> found;
  // Lock class -> functions that hold it somewhere, for held-across evidence.
  std::unordered_map<std::string, std::vector<unsigned>> holders_;
  std::unordered_map<std::string, std::optional<HeldWitness>> held_;
  std::set<std::string> scopeFns_; // functions facts are scoped under

  void indexHolders();
  void search(const Source &Src, unsigned Mask, const Visitor &Visit);
  bool opsLimited(const std::vector<Node> &Nodes, unsigned I, const std::string &Field,
                  const std::set<std::string> *&Only) const;
  bool under(const std::map<std::string, std::set<std::string>> &Facts,
             const std::vector<Node> &Nodes, unsigned I, const std::string &Key) const;
  void report(CheckId Id, const Loc &At, const Source &Src, std::string Message,
              std::vector<Note> Notes);

  FenceVal resolve(const FenceVal &V, const Node &N) const;
  GfpVal resolve(const GfpVal &G, const Node &N) const;
  LockRef resolve(const LockRef &L, const Node &N) const;

  std::vector<Note> pathNotes(const std::vector<Node> &Nodes, int Leaf,
                              const std::string &HeldCls) const;
  std::string callNote(const Node &Parent, const Node &Child) const;
  std::vector<Note> lrNotes(const Reached &R) const;
  const HeldWitness *heldAcross(const std::string &Cls);
  Source roleSource(const Program::RoleAt &R) const;

  void siteSearches(const std::function<bool(const Context &)> &Pred,
                    const std::function<void(const Context &, std::vector<Note> &)> &CtxNotes,
                    const std::string &Kind, bool FollowWork, unsigned Mask,
                    const Visitor &Visit);
  void workqueueFindings(const Reached &R, const std::function<std::vector<Note>()> &Notes,
                         bool InReclaim);
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
  case FenceVal::Field: {
    FenceVal F = prog.fieldLr(V.callee);
    if (F.kind == FenceVal::Lr)
      return F;
    if (V.param >= 0 && static_cast<size_t>(V.param) < N.bind.size())
      return N.bind[V.param].fence;
    return {};
  }
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
  std::string S = std::to_string(N.fn) + "@" + std::to_string(N.ctx) + (N.afterSignal ? "s" : "") +
                  (N.viaWork ? "w" : "") + N.scopes;
  for (const ArgVal &A : N.bind)
    S += "|" + std::to_string(A.fence.kind) + A.fence.origin.str() + A.fence.callee + "," +
         std::to_string(A.gfp.kind) + "," + A.lock.cls;
  for (const Held &H : N.held)
    S += "|" + H.lock.cls;
  return S;
}

void Engine::indexHolders() {
  for (unsigned F = 0; F < prog.fns.size(); ++F) {
    std::set<std::string> Mine;
    auto Add = [&](const Context &C) {
      for (const Held &H : C.held)
        if (H.lock.known())
          Mine.insert(H.lock.cls);
    };
    for (const Effect &E : prog.fns[F]->effects)
      Add(E.ctx);
    for (const CallSite &C : prog.fns[F]->calls)
      Add(C.ctx);
    for (const std::string &Cls : Mine)
      holders_[Cls].push_back(F);
  }
}

void Engine::search(const Source &Src, unsigned Mask, const Visitor &Visit) {
  std::vector<Node> Nodes;
  std::deque<unsigned> Queue;
  std::unordered_set<std::string> Seen;
  std::unordered_map<unsigned, unsigned> States;
  // The context of the source site each node descends from.
  std::vector<const Context *> First;

  Node Start;
  Start.fn = Src.fn;
  Start.ctx = prog.startContext(Src.fn);
  Nodes.push_back(std::move(Start));
  First.push_back(nullptr);
  Queue.push_back(0);
  while (!Queue.empty()) {
    unsigned I = Queue.front();
    Queue.pop_front();
    const FunctionSummary &Fn = *prog.fns[Nodes[I].fn];
    bool Root = I == 0;
    bool Bounded = facts.boundedWaits.count(Fn.name) != 0;
    for (const Effect &E : Fn.effects) {
      if (Root && Src.effectFilter && !Src.effectFilter(E))
        continue;
      // Rules facts: waits that end by themselves; work no fence waits for.
      // What queued work does after it signalled is off the path.
      if ((Nodes[I].viaWork && E.ctx.afterSignal) || (E.kind == EffectKind::Wait && Bounded) ||
          (E.kind == EffectKind::Queue && facts.unawaitedWork.count(E.work)))
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
                E.ctx.guardText,
                Src,
                N};
      for (const Held &H : E.ctx.held) {
        Held Own = H;
        Own.lock = resolve(H.lock, N);
        R.held.push_back(std::move(Own));
      }
      auto Notes = [&, I]() {
        std::vector<Note> Out = Src.prefix;
        if (Src.contextNotes)
          Src.contextNotes(FirstCtx, Out);
        std::vector<Note> Path = pathNotes(Nodes, static_cast<int>(I), "");
        Out.insert(Out.end(), Path.begin(), Path.end());
        return Out;
      };
      if (Visit(R, Notes))
        return;
    }
    if (Nodes[I].depth >= kMaxDepth)
      continue;
    for (size_t C = 0; C < Fn.calls.size(); ++C) {
      const CallSite &Call = Fn.calls[C];
      if (Root && Src.callFilter && !Src.callFilter(Call))
        continue;
      // Work queued after the path signalled its fence, or after its
      // signalling section ended, does not delay that fence.
      if (Nodes[I].viaWork && Call.ctx.afterSignal)
        continue;
      bool After = Nodes[I].afterSignal || Call.ctx.afterSignal || Call.ctx.afterEnd;
      if (Program::queued(Call) &&
          (!Src.followWork || After || facts.unawaitedWork.count(Call.calleeName)))
        continue;
      const std::vector<unsigned> &Targets = prog.targets[Nodes[I].fn][C];
      bool Direct = !Program::indirect(Call) && Targets.size() == 1;
      std::string Field = Program::indirect(Call)
                              ? (Program::queued(Call) ? Call.callee : Call.callee.substr(6))
                              : std::string();
      const std::set<std::string> *Only = nullptr;
      if (!Field.empty() && !Program::queued(Call) && opsLimited(Nodes, I, Field, Only) && !Only)
        continue;
      for (unsigned T : Targets) {
        if (!(prog.reach[T] & Mask) || (prog.roleKinds[T] & Src.stopAtRoles))
          continue;
        // Rules facts: no fence waits for this function; these paths never
        // really reach it.
        // A non-blocking function blocks on no path, held-lock evidence
        // included.
        const std::string &Name = prog.fns[T]->name;
        if (Only && !Only->count(Name))
          continue;
        if ((Src.followWork && facts.unawaitedFunctions.count(Name)) ||
            (Src.stopAtRoles && facts.unreachable.count(Name)) || facts.nonBlocking.count(Name) ||
            under(facts.unreachableUnder, Nodes, I, Name) ||
            (facts.onlyUnder.count(Name) && !under(facts.onlyUnder, Nodes, I, Name)))
          continue;
        int Ctx = prog.enter(Nodes[I].ctx, T, Direct, Field.empty() ? nullptr : &Field);
        if (Ctx == kNotAllowed)
          continue;
        Node Child;
        Child.fn = T;
        Child.ctx = Ctx;
        Child.afterSignal = After;
        Child.viaWork = Program::queued(Call);
        Child.scopes = Nodes[I].scopes;
        if (scopeFns_.count(Name))
          Child.scopes += "|" + Name;
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
        const Context *Ctx0 = Root ? &Call.ctx : First[I];
        Nodes.push_back(std::move(Child));
        First.push_back(Ctx0);
        Queue.push_back(static_cast<unsigned>(Nodes.size() - 1));
      }
    }
  }
}

// Rules facts: the op is called on an object without it when the path
// went through one of the fact's functions (the KIQ ring's alloc calls no
// begin_use).
// Rules facts: whether the ops call at node I acts on an object with fewer
// ops than the field's implementations (the KIQ ring's alloc calls no
// begin_use; the firmware loading step resumes only the PSP block). Only:
// the implementations left, null when none is.
bool Engine::opsLimited(const std::vector<Node> &Nodes, unsigned I, const std::string &Field,
                        const std::set<std::string> *&Only) const {
  auto It = facts.absentOps.find(Field);
  if (It == facts.absentOps.end())
    return false;
  for (const ProgramFacts::OpsUnder &F : It->second)
    for (int N = static_cast<int>(I); N >= 0; N = Nodes[N].parent)
      if (F.under.count(prog.fns[Nodes[N].fn]->name)) {
        Only = F.only.empty() ? nullptr : &F.only;
        return true;
      }
  return false;
}

// Whether the path to node I went through a function `Key` is scoped under.
bool Engine::under(const std::map<std::string, std::set<std::string>> &Facts,
                   const std::vector<Node> &Nodes, unsigned I, const std::string &Key) const {
  auto It = Facts.find(Key);
  if (It == Facts.end())
    return false;
  for (int N = static_cast<int>(I); N >= 0; N = Nodes[N].parent)
    if (It->second.count(prog.fns[Nodes[N].fn]->name))
      return true;
  return false;
}

static std::string shortLoc(const Loc &L) {
  size_t Slash = L.file.rfind('/');
  return (Slash == std::string::npos ? L.file : L.file.substr(Slash + 1)) + ":" +
         std::to_string(L.line);
}

// How a call on the path was resolved, said where it matters: an ops call
// (which implementation, registered where, and why the others were left
// out) or queued work.
std::string Engine::callNote(const Node &P, const Node &N) const {
  const FunctionSummary &Caller = *prog.fns[P.fn];
  const CallSite &Call = Caller.calls[N.viaCall];
  const std::string &Callee = prog.fns[N.fn]->name;
  if (!Program::indirect(Call))
    return "'" + Caller.name + "' calls '" + Callee + "' here";
  std::string Field = Program::queued(Call) ? Call.callee : Call.callee.substr(6);
  Loc Reg = prog.registeredAt(Field, N.fn);
  std::string Where = Reg.valid() ? ", bound at " + shortLoc(Reg) : "";
  if (Program::queued(Call))
    return "'" + Caller.name + "' queues work item '" + Call.calleeName + "' here: its function '" +
           Callee + "'" + Where + " runs for this path (whoever waits for the path waits for it)";
  std::string Msg = "'" + Caller.name + "' calls '" + Call.calleeName + "' here, which is '" +
                    Callee + "'";
  const std::vector<unsigned> &Ts = prog.targets[P.fn][N.viaCall];
  if (Ts.size() <= 1)
    return Msg + (Reg.valid() ? " (registered at " + shortLoc(Reg) + ")" : "");
  size_t Fit = 0;
  for (unsigned T : Ts)
    Fit += prog.enter(P.ctx, T, false, &Field) != kNotAllowed;
  std::string Mod = prog.moduleName(prog.moduleOf[N.fn]);
  Msg += " (";
  if (!Mod.empty())
    Msg += "module " + Mod + ", ";
  Msg += Reg.valid() ? "registered at " + shortLoc(Reg) + "; " : "";
  std::string Ctx = prog.moduleName(P.ctx);
  if (Fit < Ts.size() && !Ctx.empty())
    Msg += std::to_string(Fit) + " of " + std::to_string(Ts.size()) +
           " implementations fit this path, which runs in " + Ctx +
           "'s code; the others are in modules " + Ctx +
           " neither links nor is linked by, or in shared files it does not use)";
  else
    Msg += "one of " + std::to_string(Ts.size()) + " implementations)";
  return Msg;
}

std::vector<Note> Engine::pathNotes(const std::vector<Node> &Nodes, int Leaf,
                                    const std::string &HeldCls) const {
  std::vector<Note> Rev;
  for (int I = Leaf; I > 0; I = Nodes[I].parent) {
    const Node &N = Nodes[I];
    const Node &P = Nodes[N.parent];
    std::string Msg = callNote(P, N);
    if (!HeldCls.empty())
      Msg += " with '" + HeldCls + "' held";
    Rev.push_back({prog.fns[P.fn]->calls[N.viaCall].loc, std::move(Msg), true, N.depth});
  }
  std::reverse(Rev.begin(), Rev.end());
  return Rev;
}

void Engine::report(CheckId Id, const Loc &At, const Source &Src, std::string Message,
                    std::vector<Note> Notes) {
  auto Key = std::make_tuple(At.file, At.line, At.col, static_cast<int>(Id));
  auto Root = std::make_pair(Src.root, Src.kind);
  auto It = found.find(Key);
  if (It != found.end()) {
    It->second.roots.insert(Root);
    if (It->second.finding.notes.size() <= Notes.size())
      return;
    It->second.finding = Finding{Id, At, std::move(Message), std::move(Notes)};
    It->second.kept = Root;
    return;
  }
  Found F;
  F.finding = Finding{Id, At, std::move(Message), std::move(Notes)};
  F.kept = Root;
  F.roots.insert(Root);
  found.emplace(Key, std::move(F));
}

static std::string roleText(const Role &R) {
  bool ViaCall = !R.via.empty() && R.via.back() == ')';
  return ViaCall ? "passed to " + R.via + " here" : "registered as " + R.via + " here";
}

Source Engine::roleSource(const Program::RoleAt &RA) const {
  const Role &R = *RA.role;
  Source S;
  S.fn = RA.fn;
  S.kind = R.via;
  S.root = R.name;
  std::string What;
  switch (R.kind) {
  case RoleKind::SignallingRoot:
    What = "'" + R.name + "' is on a dma-fence signalling path: " + roleText(R);
    S.followWork = true;
    S.stopAtRoles = 1u << static_cast<unsigned>(RoleKind::SignallingRoot);
    break;
  case RoleKind::AtomicCallback:
    What = "'" + R.name + "' runs in atomic context: " + roleText(R);
    S.stopAtRoles = 1u << static_cast<unsigned>(RoleKind::AtomicCallback);
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

const HeldWitness *Engine::heldAcross(const std::string &Cls) {
  auto Memo = held_.find(Cls);
  if (Memo != held_.end())
    return Memo->second ? &*Memo->second : nullptr;
  std::optional<HeldWitness> Best;
  auto Hs = holders_.find(Cls);
  if (Hs != holders_.end()) {
    // Most locks have a direct witness or a short one; the cap bounds the
    // cost of a lock held in hundreds of functions.
    unsigned Searched = 0;
    for (unsigned F : Hs->second) {
      if ((Best && Best->depth <= 1) || ++Searched > 64)
        break;
      auto Holds = [Cls](const Context &C) {
        return std::any_of(C.held.begin(), C.held.end(),
                           [&](const Held &H) { return H.lock.known() && H.lock.cls == Cls; });
      };
      Source S;
      S.fn = F;
      S.kind = "held";
      S.root = prog.fns[F]->name;
      S.effectFilter = [Holds](const Effect &E) { return Holds(E.ctx); };
      S.callFilter = [Holds](const CallSite &C) { return Holds(C.ctx); };
      std::string Holder = prog.fns[F]->name;
      S.contextNotes = [Cls, Holder](const Context &C, std::vector<Note> &Out) {
        for (const Held &H : C.held)
          if (H.lock.known() && H.lock.cls == Cls) {
            Out.push_back({H.at, "'" + Cls + "' is held here by '" + Holder + "'", false, 0});
            return;
          }
      };
      search(S, kReachWait | kReachAlloc,
             [&](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
               const Effect &E = R.effect;
               bool Blocks = E.kind == EffectKind::Wait ||
                             (E.kind == EffectKind::Alloc && R.gfp.kind == GfpVal::Reclaim);
               if (!Blocks)
                 return false;
               if (Best && Best->depth <= R.node.depth)
                 return true;
               HeldWitness W;
               W.depth = R.node.depth;
               W.wait = E.kind == EffectKind::Wait;
               W.notes = Notes();
               for (Note &N : W.notes) {
                 N.onPath = false;
                 N.depth = 0;
                 if (N.message.rfind("'" + Cls + "' is held", 0) != 0)
                   N.message += " with '" + Cls + "' held";
               }
               W.notes.push_back(
                   {E.loc,
                    W.wait ? "which waits on a fence here ('" + E.api + "')"
                           : "which allocates with " + R.gfp.spelling + " here ('" + E.api +
                                 "'), entering reclaim that waits on fences",
                    false, 0});
               Best = std::move(W);
               return true;
             });
    }
  }
  auto &Slot = held_[Cls];
  Slot = std::move(Best);
  return Slot ? &*Slot : nullptr;
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
                          const std::string &Kind, bool FollowWork, unsigned Mask,
                          const Visitor &Visit) {
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
    S.kind = Kind;
    S.root = Fn.name;
    S.followWork = FollowWork;
    if (FollowWork)
      S.stopAtRoles = 1u << static_cast<unsigned>(RoleKind::SignallingRoot);
    S.effectFilter = [&Pred](const Effect &E) { return Pred(E.ctx); };
    S.callFilter = [&Pred](const CallSite &C) { return Pred(C.ctx); };
    S.contextNotes = CtxNotes;
    search(S, Mask, Visit);
  }
}

// fence-signalling-wq-reclaim: work the signalling path queues must be able
// to run under memory pressure, so its workqueue needs a rescuer
// (WQ_MEM_RECLAIM). Diagnosed at the allocation the author must change; a
// system workqueue has no allocation in the program, so at the queueing.
void Engine::workqueueFindings(const Reached &R, const std::function<std::vector<Note>()> &Notes,
                               bool InReclaim) {
  const char *Where = InReclaim ? "in memory reclaim" : "on a dma-fence signalling path";
  const char *Stuck = InReclaim ? "reclaim not finish" : "the fence not signal";
  const Effect &E = R.effect;
  // Work queued after the path signalled (or ended its section) does not
  // delay the fence.
  if (R.node.afterSignal || E.ctx.afterSignal || E.ctx.afterEnd)
    return;
  std::string Work = E.work.empty() ? "work" : "work item '" + E.work + "'";
  auto System = [&](const std::string &Wq, std::vector<Note> Extra) {
    std::vector<Note> All = Notes();
    All.insert(All.end(), Extra.begin(), Extra.end());
    report(CheckId::SignallingWqReclaim, E.loc, R.source,
           Work + " is queued by '" + E.api + "' on system workqueue '" + Wq + "' " + Where +
               "; system workqueues have no rescuer thread, so under memory pressure the work "
               "may not run and " + Stuck + "; queue it on a workqueue allocated with "
               "WQ_MEM_RECLAIM",
           std::move(All));
  };
  if (E.systemWq) {
    System(E.lock.cls, {});
    return;
  }
  if (!R.lock.known())
    return;
  for (const WqOrigin &O : prog.workqueueOrigins(R.lock.cls, R.node.ctx)) {
    std::vector<Note> Steps;
    for (const auto &[At, Msg] : O.steps)
      Steps.push_back({At, Msg, false, 0});
    if (O.source->kind == WqSource::System) {
      System(O.source->wq, Steps);
      continue;
    }
    if (!O.source->known || O.source->reclaim)
      continue;
    std::vector<Note> All = Notes();
    All.push_back({E.loc, "'" + E.api + "' queues " + Work + " on '" + R.lock.cls + "' here", true,
                   0});
    All.insert(All.end(), Steps.begin(), Steps.end());
    std::string Flags = O.source->flags.empty() ? "" : " ('" + O.source->flags + "')";
    report(CheckId::SignallingWqReclaim, O.source->at, R.source,
           "workqueue '" + O.source->wq + "' is allocated without WQ_MEM_RECLAIM" + Flags +
               ", but work is queued on it " + Where + "; without a rescuer thread the work "
               "may not run under memory pressure and " + Stuck,
           std::move(All));
  }
}

void Engine::signallingChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    if (E.kind == EffectKind::Wait) {
      report(CheckId::SignallingWait, E.loc, R.source,
             "fence wait '" + E.api +
                 "' on a dma-fence signalling path; signalling a fence must not wait on other "
                 "fences",
             Notes());
    } else if (E.kind == EffectKind::Alloc && R.gfp.kind == GfpVal::Reclaim) {
      report(CheckId::SignallingAlloc, E.loc, R.source,
             "allocation with " + R.gfp.spelling + " ('" + E.api +
                 "') may enter memory reclaim, which waits on dma-fences, on a signalling path; "
                 "use GFP_NOWAIT or GFP_ATOMIC, or allocate before signalling starts",
             Notes());
    } else if (E.kind == EffectKind::Lock && !E.trylock && E.resv) {
      report(CheckId::SignallingResvLock, E.loc, R.source,
             "dma-resv lock taken by '" + E.api +
                 "' on a dma-fence signalling path; holders of dma-resv locks wait on fences, "
                 "use dma_resv_trylock() or lock before signalling starts",
             Notes());
    } else if (E.kind == EffectKind::Lock && !E.trylock && !E.resv && R.lock.known()) {
      const HeldWitness *W = heldAcross(R.lock.cls);
      if (!W)
        return false;
      std::vector<Note> All = Notes();
      All.insert(All.end(), W->notes.begin(), W->notes.end());
      report(CheckId::SignallingLockInversion, E.loc, R.source,
             "lock '" + R.lock.cls + "' taken by '" + E.api +
                 "' on a dma-fence signalling path is held elsewhere across " +
                 (W->wait ? "a fence wait" : "an allocation that may enter reclaim") +
                 "; the two can deadlock",
             std::move(All));
    } else if (E.kind == EffectKind::Queue) {
      workqueueFindings(R, Notes, false);
    }
    return false;
  };
  unsigned Mask = kReachWait | kReachAlloc | kReachLock | kReachQueue;
  for (const Program::RoleAt &R : prog.roles)
    if (R.role->kind == RoleKind::SignallingRoot)
      search(roleSource(R), Mask, Visit);
  siteSearches([](const Context &C) { return C.inSection; }, sectionNote, "signalling section",
               true, Mask, Visit);
}

void Engine::atomicChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    bool Sleeps = E.kind == EffectKind::Sleep || E.kind == EffectKind::Wait ||
                  (E.kind == EffectKind::Alloc && R.gfp.kind == GfpVal::Reclaim) ||
                  (E.kind == EffectKind::Lock && E.sleeps && !E.trylock);
    if (!Sleeps)
      return false;
    std::string Why = E.kind == EffectKind::Wait    ? " (a fence wait)"
                      : E.kind == EffectKind::Lock  ? " (a sleeping lock)"
                      : E.kind == EffectKind::Alloc ? " (an allocation with " + R.gfp.spelling + ")"
                                                    : "";
    report(CheckId::AtomicCallbackSleep, E.loc, R.source,
           "'" + E.api + "'" + Why +
               " may sleep in a dma-fence callback, which runs in atomic context with the "
               "fence lock held",
           Notes());
    return false;
  };
  for (const Program::RoleAt &R : prog.roles)
    if (R.role->kind == RoleKind::AtomicCallback)
      search(roleSource(R), kReachSleep | kReachAlloc, Visit);
}

void Engine::reclaimChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    // "All wq which might be used in the memory reclaim paths MUST have
    // WQ_MEM_RECLAIM set" (Documentation/core-api/workqueue.rst).
    if (R.effect.kind == EffectKind::Queue)
      workqueueFindings(R, Notes, true);
    if (R.effect.kind != EffectKind::Wait || !isLr(R))
      return false;
    std::vector<Note> All = Notes();
    std::vector<Note> Lr = lrNotes(R);
    All.insert(All.end(), Lr.begin(), Lr.end());
    report(CheckId::LrWaitInReclaim, R.effect.loc, R.source,
           "wait on a long-running fence ('" + R.effect.api +
               "') is reachable from memory reclaim; reclaim would wait for userspace",
           std::move(All));
    return false;
  };
  for (const Program::RoleAt &R : prog.roles)
    if (R.role->kind == RoleKind::MmContext)
      search(roleSource(R), kReachWait | kReachQueue, Visit);
  siteSearches([](const Context &C) { return C.inReclaim; },
               [](const Context &C, std::vector<Note> &Out) {
                 Out.push_back({C.reclaimBegin, "the memory reclaim region begins here", true, 0});
               },
               "reclaim region", false, kReachWait | kReachQueue, Visit);
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
      return false;
    std::vector<Note> All = Notes();
    if (!firstMm(R.firstCtx.held))
      All.insert(All.begin(), Note{Mm->at, "'" + Mm->lock.cls + "' is taken here", true, 0});
    std::vector<Note> Lr = lrNotes(R);
    All.insert(All.end(), Lr.begin(), Lr.end());
    report(CheckId::LrWaitUnderMmLock, R.effect.loc, R.source,
           "wait on a long-running fence ('" + R.effect.api + "') while holding MM lock '" +
               Mm->lock.cls + "'; reclaim and page faults would wait for userspace",
           std::move(All));
    return false;
  };
  siteSearches([](const Context &C) { return firstMm(C.held) != nullptr; },
               [](const Context &C, std::vector<Note> &Out) {
                 const Held *Mm = firstMm(C.held);
                 Out.push_back({Mm->at, "'" + Mm->lock.cls + "' is taken here", true, 0});
               },
               "MM lock", false, kReachWait, Visit);
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
      report(CheckId::LrResvAttach, E.loc, R.source,
             "long-running fence attached to a reservation object by '" + E.api +
                 "'; every fence in a dma-resv must signal in bounded time",
             WithLr());
    } else if (E.kind == EffectKind::Export && isLr(R)) {
      report(CheckId::LrExport, E.loc, R.source,
             "long-running fence exported or wrapped by '" + E.api +
                 "'; exported fences and fence containers must signal in bounded time",
             WithLr());
    } else if (E.kind == EffectKind::Dependency && R.fence.kind == FenceVal::Lr &&
               R.guard != Tri::True) {
      report(CheckId::LrDependency, E.loc, R.source,
             "long-running fence made a dependency of ordinary work by '" + E.api +
                 "'; that work's fence would wait for userspace",
             WithLr());
    }
    return false;
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
    S.kind = "long-running fence";
    S.root = Fn.name;
    S.effectFilter = IsSink;
    S.callFilter = CallIsLr;
    search(S, kReachSink, Visit);
  }
}

void Engine::afterEndChecks() {
  Visitor Visit = [this](const Reached &R, const std::function<std::vector<Note>()> &Notes) {
    const Effect &E = R.effect;
    if (E.kind != EffectKind::Lock || E.trylock || !R.lock.known())
      return false;
    const HeldWitness *W = heldAcross(R.lock.cls);
    if (!W)
      return false;
    std::vector<Note> All = Notes();
    All.insert(All.end(), W->notes.begin(), W->notes.end());
    report(CheckId::SignallingUnbalanced, E.loc, R.source,
           "lock '" + R.lock.cls +
               "' is taken after the signalling section ended, but this work still delays "
               "fence signalling and the lock is held elsewhere across a fence wait or "
               "reclaim; end the section after it",
           std::move(All));
    return false;
  };
  siteSearches([](const Context &C) { return C.afterEnd; },
               [](const Context &C, std::vector<Note> &Out) {
                 Out.push_back({C.sectionEnd, "the signalling section ends here", true, 0});
               },
               "after a signalling section", false, kReachLock, Visit);
}

void Engine::sectionIssues() {
  for (unsigned F = 0; F < prog.fns.size(); ++F) {
    const FunctionSummary *Fn = prog.fns[F];
    Source S;
    S.fn = F;
    S.kind = "section";
    S.root = Fn->name;
    for (const SectionIssue &I : Fn->sectionIssues) {
      switch (I.kind) {
      case SectionIssueKind::OpenAtExit:
        report(CheckId::SignallingUnbalanced, I.loc, S,
               "'" + I.api + "()' without a matching end on some path of '" + Fn->name + "'",
               {{I.other, "'" + Fn->name + "' returns here with the signalling section open",
                 true, 0}});
        break;
      case SectionIssueKind::CookieDiscarded:
        report(CheckId::SignallingUnbalanced, I.loc, S,
               "the cookie returned by '" + I.api +
                   "()' is discarded; keep it and pass it to the end of the section",
               {});
        break;
      case SectionIssueKind::BogusCookie:
        report(CheckId::SignallingUnbalanced, I.loc, S,
               "'" + I.api +
                   "()' is passed a constant instead of the cookie its section began with",
               {});
        break;
      }
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
  for (auto &[Key, F] : found) {
    F.roots.erase(F.kept);
    if (!F.roots.empty()) {
      std::string Names;
      unsigned Shown = 0;
      for (const auto &[Root, Kind] : F.roots) {
        if (++Shown > 4) {
          Names += ", ...";
          break;
        }
        Names += (Names.empty() ? "'" : ", '") + Root + "' (" + Kind + ")";
      }
      F.finding.notes.push_back({F.finding.loc,
                                 std::to_string(F.roots.size()) +
                                     " other context(s) reach this too: " + Names,
                                 false, 0});
    }
    Out.push_back(std::move(F.finding));
  }
  // One finding per check and place (a check is one kind of root: signalling,
  // atomic, reclaim, ...): the shortest path is shown, the other roots that
  // reach the place are counted.
  std::stable_sort(Out.begin(), Out.end(), [](const Finding &A, const Finding &B) {
    return std::tie(A.loc.file, A.loc.line, A.loc.col, A.check) <
           std::tie(B.loc.file, B.loc.line, B.loc.col, B.check);
  });
  return Out;
}

} // namespace

std::vector<Finding> analyzeProgram(const std::vector<TuSummary> &tus,
                                    const ProgramFacts &facts) {
  return Engine(tus, facts).run();
}

} // namespace fencedep::analyzer
