// The TU-level walk: a summary for each function defined outside system
// headers, and the contexts the TU registers — ops-table initializers
// (`.run_job = foo`), assignments to ops fields (`s->scan_objects = foo`)
// and callback registrations (`dma_fence_add_callback(f, cb, foo)`).
#include "fencedep/analyzer/summarizer.h"

#include "ast_helpers.h"
#include "function_flow.h"

#include <clang/AST/ASTContext.h>
#include <clang/AST/RecursiveASTVisitor.h>
#include <clang/Basic/SourceManager.h>

#include <map>
#include <optional>
#include <set>
#include <tuple>

using namespace clang;

namespace fencedep::analyzer {

namespace {

RoleKind roleKind(ContextKind K) {
  switch (K) {
  case ContextKind::SignallingRoot:
    return RoleKind::SignallingRoot;
  case ContextKind::AtomicCallback:
    return RoleKind::AtomicCallback;
  case ContextKind::MmContext:
    return RoleKind::MmContext;
  }
  llvm_unreachable("unknown context kind");
}

class TuVisitor : public RecursiveASTVisitor<TuVisitor> {
public:
  TuVisitor(AstEnv &Env, TuSummary &Out, const std::function<bool(const std::string &)> &Claim)
      : env(Env), out(Out), claim(Claim) {}

  bool TraverseFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
        env.sm.isInSystemHeader(FD->getLocation()))
      return RecursiveASTVisitor::TraverseFunctionDecl(FD);
    bool Header = !env.sm.isInMainFile(env.sm.getExpansionLoc(FD->getLocation()));
    // A header function another TU summarized registers nothing new either.
    if (Header && claim && !claim(env.functionKey(FD)))
      return true;
    out.functions.push_back(summarizeFunction(env, FD));
    out.functions.back().header = Header;
    const FunctionDecl *Outer = current;
    current = FD;
    wqLocals.clear();
    bool Ok = RecursiveASTVisitor::TraverseFunctionDecl(FD);
    current = Outer;
    return Ok;
  }

  bool VisitVarDecl(VarDecl *VD) {
    if (!VD->hasInit() || inSystemHeader(VD->getLocation()))
      return true;
    const Expr *Init = VD->getInit()->IgnoreParenCasts();
    if (VD->isLocalVarDecl()) {
      if (auto Src = wqAlloc(Init))
        wqLocals[VD] = *Src;
      return true;
    }
    // EXPORT_SYMBOL(fn) leaves a static variable holding &fn.
    if (!env.rules.exportMacros.empty() && VD->getLocation().isMacroID()) {
      llvm::SmallVector<StringRef, 4> Macros;
      env.macroNames(VD->getLocation(), Macros);
      if (llvm::any_of(Macros, [&](StringRef M) {
            return llvm::is_contained(env.rules.exportMacros, M.str());
          }))
        if (const FunctionDecl *Fn = referencedFunction(Init))
          out.exports.push_back(env.functionKey(Fn));
    }
    // DECLARE_WORK(name, fn) and DECLARE_DELAYED_WORK: a global work item
    // with its function in the initializer.
    if (const auto *ILE = dyn_cast<InitListExpr>(Init))
      staticWork(VD->getName().str(), VD->getType(), ILE);
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *DR) {
    const auto *VD = dyn_cast<VarDecl>(DR->getDecl());
    if (!VD || !VD->hasGlobalStorage() || !env.rules.isSystemWq(VD->getName().str()))
      return true;
    WqSource W;
    W.kind = WqSource::System;
    W.wq = VD->getName().str();
    addWq(std::move(W));
    return true;
  }

  bool VisitInitListExpr(InitListExpr *Visited) {
    // The traversal visits the syntactic form; designated initializers are
    // matched to fields in the semantic one.
    InitListExpr *ILE = Visited->isSemanticForm() ? Visited : Visited->getSemanticForm();
    if (!ILE || inSystemHeader(ILE->getBeginLoc()))
      return true;
    const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
    if (!RD || RD->isUnion())
      return true;
    unsigned I = 0;
    for (const FieldDecl *Field : RD->fields()) {
      if (I >= ILE->getNumInits())
        break;
      const Expr *Init = ILE->getInit(I++);
      if (const FunctionDecl *Fn = functionRef(Init))
        fieldSet(RD, Field, Fn, Init->getBeginLoc());
    }
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() != BO_Assign || inSystemHeader(BO->getBeginLoc()))
      return true;
    const FunctionDecl *Fn = functionRef(BO->getRHS());
    const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts());
    const auto *Field = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
    if (Fn && Field) {
      fieldSet(Field->getParent(), Field, Fn, BO->getRHS()->getBeginLoc());
      // INIT_WORK(&x->work, fn) is `(&x->work)->func = fn`.
      std::string Via = AstEnv::recordName(env.ctx.getRecordType(Field->getParent())) + "." +
                        Field->getName().str();
      if (env.rules.isWorkBindField(Via))
        bindWork(env.workClass(ME->getBase()), Fn, BO->getRHS()->getBeginLoc());
    }
    workqueueStored(BO->getLHS(), BO->getRHS());
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    if (inSystemHeader(CE->getBeginLoc()))
      return true;
    const FunctionDecl *Callee = CE->getDirectCallee();
    const ApiInfo *Info = env.api(Callee);
    if (!Info)
      return true;
    for (const auto &[Kind, Arg] : Info->callbackArgs) {
      if (Arg < 0 || static_cast<unsigned>(Arg) >= CE->getNumArgs())
        continue;
      const Expr *A = CE->getArg(Arg);
      if (const FunctionDecl *Fn = functionRef(A))
        addRole(roleKind(static_cast<ContextKind>(Kind)), Fn,
                Callee->getName().str() + "()", A->getBeginLoc());
    }
    return true;
  }

private:
  AstEnv &env;
  TuSummary &out;
  const std::function<bool(const std::string &)> &claim;
  const FunctionDecl *current = nullptr;
  // Locals of the current function holding a newly allocated workqueue.
  std::map<const VarDecl *, WqSource> wqLocals;
  std::set<std::tuple<int, std::string, std::string, std::string>> seenWqs;

  static const FunctionDecl *referencedFunction(const Stmt *S) {
    if (!S)
      return nullptr;
    if (const auto *DR = dyn_cast<DeclRefExpr>(S))
      if (const auto *FD = dyn_cast<FunctionDecl>(DR->getDecl()))
        return FD;
    for (const Stmt *Child : S->children())
      if (const FunctionDecl *FD = referencedFunction(Child))
        return FD;
    return nullptr;
  }

  static bool workqueueType(QualType T) {
    QualType P = T->getPointeeType();
    return !P.isNull() && P->getAsRecordDecl() &&
           AstEnv::recordName(P).find("workqueue") != std::string::npos;
  }

  // `alloc_workqueue(name, flags, ...)`: where, and whether the flags
  // include WQ_MEM_RECLAIM (unknown when they are not a constant).
  std::optional<WqSource> wqAlloc(const Expr *E) {
    const auto *CE = dyn_cast_or_null<CallExpr>(E ? E->IgnoreParenCasts() : nullptr);
    const ApiInfo *Info = CE ? env.api(CE->getDirectCallee()) : nullptr;
    if (!Info || Info->wqAlloc < 0)
      return std::nullopt;
    WqSource W;
    W.kind = WqSource::Alloc;
    W.at = env.loc(CE->getBeginLoc());
    llvm::SmallVector<StringRef, 4> Macro;
    env.macroNames(CE->getBeginLoc(), Macro);
    W.api = Macro.empty() ? CE->getDirectCallee()->getName().str() : Macro.back().str();
    int FlagsArg = env.rules.wqAllocs[Info->wqAlloc].flags;
    if (FlagsArg >= static_cast<int>(CE->getNumArgs()))
      return W;
    const Expr *Flags = CE->getArg(FlagsArg);
    llvm::SmallVector<StringRef, 16> Names;
    env.names(Flags, Names);
    W.reclaim = llvm::any_of(Names, [&](StringRef N) { return env.rules.isWqReclaimFlag(N.str()); });
    W.known = W.reclaim || Flags->isIntegerConstantExpr(env.ctx);
    // The call as the author wrote it (alloc_ordered_workqueue is a macro
    // whose flags argument is an expression of the expansion).
    std::string Written = env.text(CE);
    W.flags = Written.size() <= 80 ? Written : "";
    return W;
  }

  void addWq(WqSource W) {
    auto Key = std::make_tuple(static_cast<int>(W.kind), W.wq, W.at.str(), W.other + W.function);
    if (seenWqs.insert(Key).second)
      out.workqueues.push_back(std::move(W));
  }

  // `x->wq = alloc_workqueue(...)`, `x->wq = wq` (a local holding one, a
  // parameter, another workqueue field).
  void workqueueStored(const Expr *LHS, const Expr *RHS) {
    if (!workqueueType(LHS->getType()))
      return;
    const Expr *R = RHS->IgnoreParenCasts();
    std::optional<WqSource> Src = wqAlloc(R);
    const auto *DR = dyn_cast<DeclRefExpr>(R);
    const auto *RV = DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr;
    const auto *L = dyn_cast<DeclRefExpr>(LHS->IgnoreParenCasts());
    if (L && isa<VarDecl>(L->getDecl()) && cast<VarDecl>(L->getDecl())->isLocalVarDecl()) {
      if (Src)
        wqLocals[cast<VarDecl>(L->getDecl())] = *Src;
      return;
    }
    LockRef Target = env.objectRef(LHS);
    if (!Target.known())
      return;
    if (!Src && RV && wqLocals.count(RV))
      Src = wqLocals[RV];
    if (Src) {
      Src->wq = Target.cls;
      addWq(std::move(*Src));
      return;
    }
    WqSource W;
    W.wq = Target.cls;
    W.at = env.loc(RHS->getBeginLoc());
    if (const auto *P = dyn_cast_or_null<ParmVarDecl>(RV)) {
      if (!current)
        return;
      W.kind = WqSource::Param;
      W.function = env.functionKey(current);
      W.param = paramIndex(P);
      addWq(std::move(W));
      return;
    }
    LockRef Other = env.objectRef(R);
    if (!Other.known() || Other.cls == Target.cls)
      return;
    W.kind = WqSource::Alias;
    W.other = Other.cls;
    addWq(std::move(W));
  }

  void bindWork(const std::string &Work, const FunctionDecl *Fn, SourceLocation At) {
    if (Work.empty())
      return;
    std::string Key = env.functionKey(Fn);
    std::string Via = "work:" + Work;
    if (seenFields.insert({Via, Key}).second)
      out.fieldTargets.push_back({Via, Key, env.loc(At)});
  }

  // A statically initialized work item (or one inside a delayed_work).
  void staticWork(const std::string &Name, QualType T, const InitListExpr *Syntactic) {
    const InitListExpr *ILE =
        Syntactic->isSemanticForm() ? Syntactic : Syntactic->getSemanticForm();
    const RecordDecl *RD = ILE ? T->getAsRecordDecl() : nullptr;
    if (!RD || RD->isUnion())
      return;
    unsigned I = 0;
    for (const FieldDecl *F : RD->fields()) {
      if (I >= ILE->getNumInits())
        break;
      const Expr *Init = ILE->getInit(I++)->IgnoreParenCasts();
      std::string Via = AstEnv::recordName(T) + "." + F->getName().str();
      if (env.rules.isWorkBindField(Via)) {
        if (const FunctionDecl *Fn = functionRef(Init))
          bindWork(Name, Fn, Init->getBeginLoc());
      } else if (env.isWorkType(F->getType())) {
        if (const auto *Inner = dyn_cast<InitListExpr>(Init))
          staticWork(Name + "." + F->getName().str(), F->getType(), Inner);
      }
    }
  }

  std::set<std::tuple<int, std::string, std::string>> seenRoles;
  std::set<std::pair<std::string, std::string>> seenFields;

  bool inSystemHeader(SourceLocation L) const {
    return L.isValid() && env.sm.isInSystemHeader(env.sm.getExpansionLoc(L));
  }

  void fieldSet(const RecordDecl *RD, const FieldDecl *Field, const FunctionDecl *Fn,
                SourceLocation At) {
    std::string Ops = AstEnv::recordName(env.ctx.getRecordType(RD));
    std::string Key = env.functionKey(Fn);
    std::string Via = Ops + "." + Field->getName().str();
    if (seenFields.insert({Via, Key}).second)
      out.fieldTargets.push_back({Via, Key, env.loc(At)});
    for (ContextKind K : env.rules.contextsOfField(Ops, Field->getName().str()))
      addRole(roleKind(K), Fn, Via, At);
  }

  void addRole(RoleKind K, const FunctionDecl *Fn, const std::string &Via, SourceLocation At) {
    std::string Key = env.functionKey(Fn);
    if (!seenRoles.insert({static_cast<int>(K), Key, Via}).second)
      return;
    out.roles.push_back({K, Key, Fn->getName().str(), Via, env.loc(At)});
  }
};

} // namespace

TuSummary summarizeTranslationUnit(ASTContext &ctx, const RuleSet &rules,
                                   const std::function<bool(const std::string &)> &claim) {
  TuSummary Out;
  AstEnv Env(ctx, rules);
  const SourceManager &SM = ctx.getSourceManager();
  Out.file = Env.loc(SM.getLocForStartOfFile(SM.getMainFileID())).file;
  TuVisitor V(Env, Out, claim);
  V.TraverseDecl(ctx.getTranslationUnitDecl());
  return Out;
}

} // namespace fencedep::analyzer
