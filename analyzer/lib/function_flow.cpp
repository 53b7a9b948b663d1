// Forward dataflow over a function's CFG. Two passes: a fixpoint computes
// the state at the entry of every block, then each reachable block is
// replayed once from that state to record effects and calls with the
// context they run in. Joins are "must" for held locks, guards and
// after-end (a fact holds only if it holds on every incoming path) and
// "may" for sections, reclaim regions and long-running fences (one path
// suffices for a report).
#include "function_flow.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/ParentMap.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Analysis/CFG.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <set>
#include <tuple>

using namespace clang;

namespace fencedep::analyzer {

namespace {

struct HeldEntry {
  std::string key;
  LockRef lock;
  SourceLocation at;
  bool mm = false, resv = false;
};

struct Guard {
  std::string text;
  bool value = false;
  SourceLocation at;
};

// A boolean local that remembers a predicate or a trylock: `lr = xe_vm_in_lr_mode(vm)`.
struct CondFact {
  bool trylock = false;
  std::string text;
  HeldEntry held;
  SourceLocation at;
};

struct State {
  bool reached = false;
  std::vector<HeldEntry> held;
  enum Sec : uint8_t { Out, In, Maybe } sec = Out;
  SourceLocation secBegin;
  bool afterEnd = false;
  SourceLocation endAt;
  bool afterSignal = false;
  bool reclaim = false;
  SourceLocation reclaimAt;
  std::vector<Guard> guards;
  FenceFacts fences;
  std::map<const VarDecl *, CondFact> conds;
};

bool sameFence(const FenceVal &A, const FenceVal &B) {
  return A.kind == B.kind && A.param == B.param && A.callee == B.callee;
}

bool sameState(const State &A, const State &B) {
  if (A.reached != B.reached || A.sec != B.sec || A.afterEnd != B.afterEnd ||
      A.afterSignal != B.afterSignal ||
      A.reclaim != B.reclaim || A.held.size() != B.held.size() ||
      A.guards.size() != B.guards.size() || A.fences.size() != B.fences.size() ||
      A.conds.size() != B.conds.size())
    return false;
  for (size_t I = 0; I < A.held.size(); ++I)
    if (A.held[I].key != B.held[I].key)
      return false;
  for (size_t I = 0; I < A.guards.size(); ++I)
    if (A.guards[I].text != B.guards[I].text || A.guards[I].value != B.guards[I].value)
      return false;
  for (auto IA = A.fences.begin(), IB = B.fences.begin(); IA != A.fences.end(); ++IA, ++IB)
    if (IA->first != IB->first || !sameFence(IA->second, IB->second))
      return false;
  for (auto IA = A.conds.begin(), IB = B.conds.begin(); IA != A.conds.end(); ++IA, ++IB)
    if (IA->first != IB->first || IA->second.text != IB->second.text)
      return false;
  return true;
}

void join(State &Into, const State &From) {
  if (!From.reached)
    return;
  if (!Into.reached) {
    Into = From;
    return;
  }
  llvm::erase_if(Into.held, [&](const HeldEntry &H) {
    return llvm::none_of(From.held, [&](const HeldEntry &F) { return F.key == H.key; });
  });
  if (Into.sec != From.sec) {
    if (Into.sec == State::Out)
      Into.secBegin = From.secBegin;
    Into.sec = State::Maybe;
  }
  Into.afterEnd = Into.afterEnd && From.afterEnd;
  Into.afterSignal = Into.afterSignal && From.afterSignal;
  if (!Into.reclaim && From.reclaim) {
    Into.reclaim = true;
    Into.reclaimAt = From.reclaimAt;
  }
  llvm::erase_if(Into.guards, [&](const Guard &G) {
    return llvm::none_of(From.guards,
                         [&](const Guard &F) { return F.text == G.text && F.value == G.value; });
  });
  // Fences: long-running on any path wins; otherwise keep only agreement.
  for (auto It = Into.fences.begin(); It != Into.fences.end();) {
    auto F = From.fences.find(It->first);
    bool Keep = It->second.kind == FenceVal::Lr ||
                (F != From.fences.end() && sameFence(F->second, It->second));
    It = Keep ? std::next(It) : Into.fences.erase(It);
  }
  for (const auto &[VD, Val] : From.fences)
    if (Val.kind == FenceVal::Lr && (!Into.fences.count(VD) || Into.fences[VD].kind != FenceVal::Lr))
      Into.fences[VD] = Val;
  for (auto It = Into.conds.begin(); It != Into.conds.end();) {
    auto F = From.conds.find(It->first);
    bool Keep = F != From.conds.end() && F->second.text == It->second.text;
    It = Keep ? std::next(It) : Into.conds.erase(It);
  }
}

// Which local variables hold a signalling cookie, and whether one of them
// leaves the function (returned, stored, handed to another function): then
// the section legitimately ends elsewhere.
class CookieScan : public RecursiveASTVisitor<CookieScan> {
public:
  CookieScan(AstEnv &Env, ParentMap &PM) : env(Env), pm(PM) {}

  std::set<const VarDecl *> vars;
  bool escapes = false;

  bool isBegin(const Expr *E) const {
    const auto *CE = dyn_cast_or_null<CallExpr>(E ? E->IgnoreParenCasts() : nullptr);
    const ApiInfo *Info = CE ? env.api(CE->getDirectCallee()) : nullptr;
    return Info && Info->beginSignalling;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasInit() && isBegin(VD->getInit()))
      vars.insert(VD);
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign || !isBegin(BO->getRHS()))
      return true;
    const auto *DR = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts());
    const auto *VD = DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr;
    if (VD && VD->isLocalVarDecl())
      vars.insert(VD);
    else
      escapes = true; // stored straight into a struct or a global
    return true;
  }
  bool VisitReturnStmt(ReturnStmt *RS) {
    if (isBegin(RS->getRetValue()))
      escapes = true;
    return true;
  }

  // Second pass, once `vars` is known.
  void checkUses(Stmt *Body) {
    struct Uses : RecursiveASTVisitor<Uses> {
      CookieScan &scan;
      explicit Uses(CookieScan &S) : scan(S) {}
      bool VisitDeclRefExpr(DeclRefExpr *DR) {
        const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
        if (!VD || !scan.vars.count(VD))
          return true;
        const Stmt *P = scan.pm.getParentIgnoreParenCasts(DR);
        if (const auto *CE = dyn_cast_or_null<CallExpr>(P)) {
          const ApiInfo *Info = scan.env.api(CE->getDirectCallee());
          if (!Info || !Info->endSignalling)
            scan.escapes = true;
        } else if (isa_and_nonnull<ReturnStmt>(P) || isa_and_nonnull<InitListExpr>(P)) {
          scan.escapes = true;
        } else if (const auto *BO = dyn_cast_or_null<BinaryOperator>(P)) {
          if (BO->getOpcode() == BO_Assign && BO->getRHS()->IgnoreParenCasts() == DR) {
            const auto *L = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts());
            const auto *LV = L ? dyn_cast<VarDecl>(L->getDecl()) : nullptr;
            if (!LV || !LV->isLocalVarDecl())
              scan.escapes = true;
          }
        }
        return true;
      }
    } U(*this);
    U.TraverseStmt(Body);
  }

private:
  AstEnv &env;
  ParentMap &pm;
};

class Flow {
public:
  Flow(AstEnv &Env, const FunctionDecl *F) : env(Env), fd(F), pm(F->getBody()) {}

  FunctionSummary run();

private:
  AstEnv &env;
  const FunctionDecl *fd;
  ParentMap pm;
  FunctionSummary out;
  bool recording = false;
  bool cookieEscapes = false, cookieDiscarded = false;

  const Expr *arg(const CallExpr *CE, int I) const {
    return I >= 0 && static_cast<unsigned>(I) < CE->getNumArgs() ? CE->getArg(I) : nullptr;
  }

  Context context(const State &S);
  void transfer(const Stmt *S, State &St);
  void call(const CallExpr *CE, State &St);
  void lockCall(const CallExpr *CE, const ApiInfo &Info, State &St);
  void assign(const VarDecl *VD, const Expr *RHS, State &St);
  void edge(const CFGBlock &B, unsigned Succ, State &St);
  void effect(EffectKind K, const CallExpr *CE, const State &St, Effect E = {});
  void recordCall(const CallExpr *CE, const State &St);
  std::vector<ArgVal> argVals(const CallExpr *CE, const State &St, int Skip);
  void syntheticCall(const CallExpr *CE, const State &St, std::string Key, std::string Name,
                     std::vector<ArgVal> Args);
  void queueCall(const CallExpr *CE, const ApiInfo &Info, const State &St);
  void lrField(const Expr *Target, const FenceVal &V);
  std::string predicateText(const CallExpr *CE) const;
  bool heldFor(const CallExpr *CE, const ApiInfo &Info, HeldEntry &H);
};

Context Flow::context(const State &S) {
  Context C;
  for (const HeldEntry &H : S.held)
    C.held.push_back({H.lock, env.loc(H.at), H.mm, H.resv});
  if (S.sec != State::Out) {
    C.inSection = true;
    C.sectionBegin = env.loc(S.secBegin);
  }
  if (S.reclaim) {
    C.inReclaim = true;
    C.reclaimBegin = env.loc(S.reclaimAt);
  }
  C.afterSignal = S.afterSignal;
  if (S.afterEnd) {
    C.afterEnd = true;
    C.sectionEnd = env.loc(S.endAt);
  }
  for (bool Want : {true, false})
    for (const Guard &G : S.guards)
      if (G.value == Want && C.lrGuard == Tri::Unknown) {
        C.lrGuard = Want ? Tri::True : Tri::False;
        C.guardLoc = env.loc(G.at);
        C.guardText = G.text;
      }
  return C;
}

std::string Flow::predicateText(const CallExpr *CE) const { return env.text(CE); }

bool Flow::heldFor(const CallExpr *CE, const ApiInfo &Info, HeldEntry &H) {
  const LockFamily &F = env.rules.locks[Info.lockFamily];
  H.lock = F.lockClass.empty() ? (arg(CE, F.arg) ? env.lockOf(arg(CE, F.arg)) : LockRef{})
                               : LockRef{F.lockClass, -1};
  H.key = H.lock.known() ? H.lock.cls
                         : H.lock.param >= 0 ? "#param" + std::to_string(H.lock.param) : "";
  H.at = CE->getBeginLoc();
  H.mm = F.mm;
  H.resv = F.resv;
  return !H.key.empty();
}

void Flow::effect(EffectKind K, const CallExpr *CE, const State &St, Effect E) {
  if (!recording)
    return;
  E.kind = K;
  E.api = CE->getDirectCallee()->getName().str();
  E.loc = env.loc(CE->getBeginLoc());
  E.ctx = context(St);
  out.effects.push_back(std::move(E));
}

// Arguments whose object identity a callee may need: locks it takes, the
// workqueue it queues on.
static bool objectLike(QualType T) {
  QualType P = T->getPointeeType();
  if (P.isNull() || !P->getAsRecordDecl())
    return false;
  std::string N = AstEnv::recordName(P);
  return N.find("lock") != std::string::npos || N.find("mutex") != std::string::npos ||
         N.find("semaphore") != std::string::npos || N.find("workqueue") != std::string::npos;
}

void Flow::recordCall(const CallExpr *CE, const State &St) {
  if (!recording)
    return;
  CallSite C;
  if (const FunctionDecl *FD = CE->getDirectCallee()) {
    C.callee = env.functionKey(FD);
    C.calleeName = FD->getName().str();
  } else {
    // Through a function pointer in a struct: ops->run_job(job).
    const auto *ME = dyn_cast<MemberExpr>(CE->getCallee()->IgnoreParenCasts());
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    if (!Field)
      return;
    C.calleeName = AstEnv::recordName(env.ctx.getRecordType(Field->getParent())) + "." +
                   Field->getName().str();
    C.callee = "field:" + C.calleeName;
  }
  C.loc = env.loc(CE->getBeginLoc());
  C.ctx = context(St);
  C.args = argVals(CE, St, -1);
  out.calls.push_back(std::move(C));
}

std::vector<ArgVal> Flow::argVals(const CallExpr *CE, const State &St, int Skip) {
  std::vector<ArgVal> Out;
  for (unsigned I = 0; I < CE->getNumArgs(); ++I) {
    if (static_cast<int>(I) == Skip)
      continue;
    const Expr *A = CE->getArg(I);
    ArgVal V;
    QualType T = A->IgnoreParenImpCasts()->getType();
    if (T->isPointerType()) {
      V.fence = env.fenceOf(A, St.fences);
      if (objectLike(T))
        V.lock = env.lockOf(A);
    } else if (T->isIntegerType()) {
      V.gfp = env.gfpOf(A);
    }
    Out.push_back(std::move(V));
  }
  return Out;
}

void Flow::syntheticCall(const CallExpr *CE, const State &St, std::string Key, std::string Name,
                         std::vector<ArgVal> Args) {
  if (!recording)
    return;
  CallSite C;
  C.callee = std::move(Key);
  C.calleeName = std::move(Name);
  C.loc = env.loc(CE->getBeginLoc());
  C.ctx = context(St);
  C.args = std::move(Args);
  out.calls.push_back(std::move(C));
}

void Flow::queueCall(const CallExpr *CE, const ApiInfo &Info, const State &St) {
  const QueueCall &Q = env.rules.queues[Info.queue];
  Effect E;
  E.work = env.workClass(arg(CE, Q.work));
  if (!Q.system.empty()) {
    E.lock.cls = Q.system;
    E.systemWq = true;
  } else if (const Expr *Wq = arg(CE, Q.wq)) {
    E.lock = env.objectRef(Wq);
    E.systemWq = E.lock.known() && env.rules.isSystemWq(E.lock.cls);
  }
  std::string Work = E.work;
  effect(EffectKind::Queue, CE, St, std::move(E));
  // The work function runs later, but whoever waits for the path that
  // queued it (a fence) now waits for it too.
  if (!Work.empty())
    syntheticCall(CE, St, "work:" + Work, Work, {});
}

void Flow::lrField(const Expr *Target, const FenceVal &V) {
  if (!recording || !Target)
    return;
  const Expr *T = Target->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(T); UO && UO->getOpcode() == UO_AddrOf)
    T = UO->getSubExpr()->IgnoreParenCasts();
  if (!isa<MemberExpr>(T))
    return;
  LockRef Field = env.objectRef(T);
  if (!Field.known())
    return;
  out.lrFields.push_back({Field.cls, V});
}

void Flow::lockCall(const CallExpr *CE, const ApiInfo &Info, State &St) {
  const LockFamily &F = env.rules.locks[Info.lockFamily];
  HeldEntry H;
  bool Named = heldFor(CE, Info, H);
  if (Info.lockOp == ApiInfo::LockOp::Release) {
    if (Named)
      llvm::erase_if(St.held, [&](const HeldEntry &X) { return X.key == H.key; });
    return;
  }
  Effect E;
  E.lock = H.lock;
  E.trylock = Info.lockOp == ApiInfo::LockOp::Trylock;
  E.sleeps = F.sleeps && !E.trylock;
  E.mm = F.mm;
  E.resv = F.resv;
  effect(EffectKind::Lock, CE, St, std::move(E));
  // A trylock holds the lock only on its success branch (see edge()).
  if (Info.lockOp == ApiInfo::LockOp::Acquire && Named &&
      llvm::none_of(St.held, [&](const HeldEntry &X) { return X.key == H.key; }))
    St.held.push_back(std::move(H));
}

void Flow::call(const CallExpr *CE, State &St) {
  const FunctionDecl *FD = CE->getDirectCallee();
  const ApiInfo *Info = FD ? env.api(FD) : nullptr;
  if (!Info) {
    recordCall(CE, St);
    return;
  }
  auto FenceArg = [&](int I) {
    const Expr *A = arg(CE, I);
    Effect E;
    if (A)
      E.fence = env.fenceOf(A, St.fences);
    return E;
  };
  if (Info->lockOp != ApiInfo::LockOp::None)
    lockCall(CE, *Info, St);
  if (Info->isWait())
    effect(EffectKind::Wait, CE, St, FenceArg(Info->wait));
  if (Info->attach != ApiInfo::kNo)
    effect(EffectKind::Attach, CE, St, FenceArg(Info->attach));
  if (Info->exportSink != ApiInfo::kNo)
    effect(EffectKind::Export, CE, St, FenceArg(Info->exportSink));
  if (Info->dependency != ApiInfo::kNo)
    effect(EffectKind::Dependency, CE, St, FenceArg(Info->dependency));
  if (Info->isAlloc()) {
    Effect E;
    if (Info->alloc < 0) {
      E.gfp.kind = GfpVal::Reclaim;
      E.gfp.spelling = "an allocator that always may reclaim";
    } else if (const Expr *A = arg(CE, Info->alloc)) {
      E.gfp = env.gfpOf(A);
    }
    effect(EffectKind::Alloc, CE, St, std::move(E));
  }
  if (Info->sleeps)
    effect(EffectKind::Sleep, CE, St);
  if (Info->queue >= 0)
    queueCall(CE, *Info, St);
  // kref_put(&x->ref, release) calls release(&x->ref).
  for (int I : Info->invokedArgs) {
    const Expr *A = arg(CE, I);
    const FunctionDecl *Fn = A ? functionRef(A) : nullptr;
    if (Fn)
      syntheticCall(CE, St, env.functionKey(Fn), Fn->getName().str(), argVals(CE, St, I));
  }
  if (Info->beginSignalling) {
    if (recording && !pm.isConsumedExpr(const_cast<CallExpr *>(CE))) {
      cookieDiscarded = true;
      out.sectionIssues.push_back(
          {SectionIssueKind::CookieDiscarded, FD->getName().str(), env.loc(CE->getBeginLoc()), {}});
    }
    St.sec = State::In;
    St.secBegin = CE->getBeginLoc();
    St.afterEnd = false;
  }
  if (Info->endSignalling) {
    const Expr *Cookie = arg(CE, 0);
    if (recording && Cookie &&
        isa<IntegerLiteral, CXXBoolLiteralExpr>(Cookie->IgnoreParenImpCasts()))
      out.sectionIssues.push_back(
          {SectionIssueKind::BogusCookie, FD->getName().str(), env.loc(CE->getBeginLoc()), {}});
    St.sec = State::Out;
    St.afterEnd = true;
    St.endAt = CE->getBeginLoc();
  }
  if (Info->signal != ApiInfo::kNo)
    St.afterSignal = true;
  if (Info->reclaimBegin) {
    St.reclaim = true;
    St.reclaimAt = CE->getBeginLoc();
  }
  if (Info->reclaimEnd)
    St.reclaim = false;
  auto MarkLr = [&](const Expr *Target, std::string Why) {
    const VarDecl *VD = Target ? AstEnv::rootVar(Target) : nullptr;
    if (!VD)
      return;
    FenceVal V;
    V.kind = FenceVal::Lr;
    V.origin = env.loc(CE->getBeginLoc());
    V.why = std::move(Why);
    lrField(Target, V);
    St.fences[VD] = std::move(V);
  };
  if (Info->lrMarker != ApiInfo::kNo)
    MarkLr(arg(CE, Info->lrMarker), "marked long-running by '" + FD->getName().str() + "()'");
  if (Info->bitSetter && arg(CE, 0)) {
    llvm::SmallVector<StringRef, 8> Names;
    const Expr *Bit = arg(CE, 0)->IgnoreParenCasts();
    env.macroNames(Bit->getBeginLoc(), Names);
    if (const auto *DR = dyn_cast<DeclRefExpr>(Bit))
      Names.push_back(DR->getDecl()->getName());
    for (StringRef N : Names)
      if (env.rules.isLrFlagBit(N.str())) {
        MarkLr(arg(CE, 1), "flagged long-running with " + N.str());
        break;
      }
  }
}

void Flow::assign(const VarDecl *VD, const Expr *RHS, State &St) {
  const auto *CE = dyn_cast<CallExpr>(RHS->IgnoreParenCasts());
  const ApiInfo *Info = CE ? env.api(CE->getDirectCallee()) : nullptr;
  St.conds.erase(VD);
  if (Info && Info->lrPredicate) {
    St.conds[VD] = {false, predicateText(CE), {}, CE->getBeginLoc()};
  } else if (Info && Info->lockOp == ApiInfo::LockOp::Trylock) {
    CondFact F{true, "", {}, CE->getBeginLoc()};
    if (heldFor(CE, *Info, F.held)) {
      F.text = "trylock " + F.held.key;
      St.conds[VD] = std::move(F);
    }
  }
  if (!VD->getType()->isPointerType())
    return;
  FenceVal V = env.fenceOf(RHS, St.fences);
  if (V.kind == FenceVal::Unknown)
    St.fences.erase(VD);
  else
    St.fences[VD] = std::move(V);
}

void Flow::transfer(const Stmt *S, State &St) {
  if (const auto *CE = dyn_cast<CallExpr>(S)) {
    call(CE, St);
    return;
  }
  if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
    if (BO->getOpcode() != BO_Assign)
      return;
    const Expr *LHS = BO->getLHS()->IgnoreParenImpCasts();
    if (const auto *DR = dyn_cast<DeclRefExpr>(LHS)) {
      if (const auto *VD = dyn_cast<VarDecl>(DR->getDecl()))
        assign(VD, BO->getRHS(), St);
      return;
    }
    // Storing a long-running fence into an element or field of a local
    // (`fences[i] = f`, `job->fence = f`) makes what the local holds
    // long-running: the array or job now carries it.
    const VarDecl *Root = AstEnv::rootVar(LHS);
    if (!LHS->getType()->isPointerType())
      return;
    FenceVal V = env.fenceOf(BO->getRHS(), St.fences);
    // A field that is given a long-running fence holds one wherever it is
    // read, in any TU.
    if (V.kind == FenceVal::Lr || V.kind == FenceVal::ReturnOf)
      lrField(LHS, V);
    if (Root && Root->isLocalVarDeclOrParm() && V.kind == FenceVal::Lr)
      St.fences[Root] = std::move(V);
    return;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : DS->decls())
      if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit())
        assign(VD, VD->getInit(), St);
    return;
  }
  if (const auto *RS = dyn_cast<ReturnStmt>(S); RS && recording && RS->getRetValue() &&
                                                 RS->getRetValue()->getType()->isPointerType()) {
    FenceVal V = env.fenceOf(RS->getRetValue(), St.fences);
    if (V.kind == FenceVal::Lr && out.returns.kind != FenceVal::Lr)
      out.returns = std::move(V);
    else if (out.returns.kind == FenceVal::Unknown)
      out.returns = std::move(V);
  }
}

void Flow::edge(const CFGBlock &B, unsigned Succ, State &St) {
  if (B.succ_size() != 2)
    return;
  const auto *C = dyn_cast_or_null<Expr>(B.getTerminatorCondition());
  // The block that evaluates the right operand of && or || ends in the
  // whole condition; the left operand decided an earlier block.
  while (C) {
    const auto *BO = dyn_cast<BinaryOperator>(C->IgnoreParens());
    if (!BO || !BO->isLogicalOp())
      break;
    C = BO->getRHS();
  }
  bool Negate = false;
  while (C) {
    C = stripCondition(C);
    if (const auto *UO = dyn_cast<UnaryOperator>(C); UO && UO->getOpcode() == UO_LNot) {
      Negate = !Negate;
      C = UO->getSubExpr();
      continue;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(C);
        BO && (BO->getOpcode() == BO_EQ || BO->getOpcode() == BO_NE)) {
      const Expr *Other = nullptr;
      if (BO->getRHS()->isIntegerConstantExpr(env.ctx) &&
          BO->getRHS()->EvaluateKnownConstInt(env.ctx) == 0)
        Other = BO->getLHS();
      else if (BO->getLHS()->isIntegerConstantExpr(env.ctx) &&
               BO->getLHS()->EvaluateKnownConstInt(env.ctx) == 0)
        Other = BO->getRHS();
      if (!Other)
        return;
      if (BO->getOpcode() == BO_EQ)
        Negate = !Negate;
      C = Other;
      continue;
    }
    break;
  }
  if (!C)
    return;
  bool Value = (Succ == 0) != Negate; // what C evaluated to on this edge
  auto AddGuard = [&](const std::string &Text, SourceLocation At) {
    llvm::erase_if(St.guards, [&](const Guard &G) { return G.text == Text; });
    St.guards.push_back({Text, Value, At});
  };
  auto AddHeld = [&](const HeldEntry &H) {
    if (Value && llvm::none_of(St.held, [&](const HeldEntry &X) { return X.key == H.key; }))
      St.held.push_back(H);
  };
  if (const auto *CE = dyn_cast<CallExpr>(C)) {
    const ApiInfo *Info = env.api(CE->getDirectCallee());
    if (!Info)
      return;
    if (Info->lrPredicate)
      AddGuard(predicateText(CE), CE->getBeginLoc());
    HeldEntry H;
    if (Info->lockOp == ApiInfo::LockOp::Trylock && heldFor(CE, *Info, H))
      AddHeld(H);
    return;
  }
  if (const auto *DR = dyn_cast<DeclRefExpr>(C)) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    auto It = VD ? St.conds.find(VD) : St.conds.end();
    if (It == St.conds.end())
      return;
    CondFact F = It->second;
    if (F.trylock)
      AddHeld(F.held);
    else
      AddGuard(F.text, F.at);
  }
}

FunctionSummary Flow::run() {
  out.name = fd->getName().str();
  out.key = env.functionKey(fd);
  out.loc = env.loc(fd->getLocation());
  Stmt *Body = fd->getBody();

  CookieScan Cookies(env, pm);
  Cookies.TraverseStmt(Body);
  Cookies.checkUses(Body);
  cookieEscapes = Cookies.escapes;

  CFG::BuildOptions Opts;
  Opts.setAllAlwaysAdd();
  std::unique_ptr<CFG> G = CFG::buildCFG(fd, Body, &env.ctx, Opts);
  if (!G)
    return out;

  const unsigned N = G->getNumBlockIDs();
  std::vector<State> In(N), Out(N);
  In[G->getEntry().getBlockID()].reached = true;
  std::deque<const CFGBlock *> Work{&G->getEntry()};
  std::vector<bool> Queued(N, false);
  Queued[G->getEntry().getBlockID()] = true;
  // The domains are finite and joins monotone; the cap only guards against
  // a pathological function costing more than it can be worth.
  for (unsigned Steps = 0; !Work.empty() && Steps < 64 * N + 64; ++Steps) {
    const CFGBlock *B = Work.front();
    Work.pop_front();
    Queued[B->getBlockID()] = false;
    State S = In[B->getBlockID()];
    for (const CFGElement &El : *B)
      if (auto CS = El.getAs<CFGStmt>())
        transfer(CS->getStmt(), S);
    Out[B->getBlockID()] = S;
    unsigned I = 0;
    for (const CFGBlock::AdjacentBlock &Succ : B->succs()) {
      const CFGBlock *SB = Succ.getReachableBlock();
      unsigned Index = I++;
      if (!SB)
        continue;
      State E = S;
      edge(*B, Index, E);
      State &Target = In[SB->getBlockID()];
      State Before = Target;
      join(Target, E);
      if (!sameState(Before, Target) && !Queued[SB->getBlockID()]) {
        Queued[SB->getBlockID()] = true;
        Work.push_back(SB);
      }
    }
  }

  recording = true;
  for (const CFGBlock *B : *G) {
    if (!In[B->getBlockID()].reached)
      continue;
    State S = In[B->getBlockID()];
    for (const CFGElement &El : *B)
      if (auto CS = El.getAs<CFGStmt>())
        transfer(CS->getStmt(), S);
    Out[B->getBlockID()] = S;
  }

  // A section still open where the function returns, with its cookie kept
  // local, is never closed.
  if (!cookieEscapes && !cookieDiscarded) {
    for (const CFGBlock::AdjacentBlock &Pred : G->getExit().preds()) {
      const CFGBlock *P = Pred.getReachableBlock();
      if (!P || !In[P->getBlockID()].reached || Out[P->getBlockID()].sec == State::Out)
        continue;
      SourceLocation Where = Body->getEndLoc();
      bool NoReturn = false;
      for (auto It = P->rbegin(); It != P->rend(); ++It)
        if (auto CS = It->getAs<CFGStmt>()) {
          if (const auto *RS = dyn_cast<ReturnStmt>(CS->getStmt()))
            Where = RS->getBeginLoc();
          else if (const auto *CE = dyn_cast<CallExpr>(CS->getStmt()))
            NoReturn = CE->getDirectCallee() && CE->getDirectCallee()->isNoReturn();
          break;
        }
      if (NoReturn || P->hasNoReturnElement())
        continue;
      std::string Begin = env.rules.beginSignalling.empty() ? "" : env.rules.beginSignalling[0];
      out.sectionIssues.push_back({SectionIssueKind::OpenAtExit, Begin,
                                   env.loc(Out[P->getBlockID()].secBegin), env.loc(Where)});
      break;
    }
  }

  auto ByLoc = [](const auto &A, const auto &B) {
    return std::tie(A.loc.line, A.loc.col) < std::tie(B.loc.line, B.loc.col);
  };
  std::stable_sort(out.effects.begin(), out.effects.end(), ByLoc);
  std::stable_sort(out.calls.begin(), out.calls.end(), ByLoc);
  return out;
}

} // namespace

FunctionSummary summarizeFunction(AstEnv &env, const FunctionDecl *FD) {
  return Flow(env, FD).run();
}

} // namespace fencedep::analyzer
