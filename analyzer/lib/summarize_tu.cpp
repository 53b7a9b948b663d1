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

#include <set>
#include <tuple>

using namespace clang;

namespace fencedep::analyzer {

namespace {

const FunctionDecl *functionRef(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const auto *UO = dyn_cast<UnaryOperator>(E); UO && UO->getOpcode() == UO_AddrOf)
    E = UO->getSubExpr()->IgnoreParenCasts();
  const auto *DR = dyn_cast<DeclRefExpr>(E);
  return DR ? dyn_cast<FunctionDecl>(DR->getDecl()) : nullptr;
}

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
  TuVisitor(AstEnv &Env, TuSummary &Out) : env(Env), out(Out) {}

  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
        env.sm.isInSystemHeader(FD->getLocation()))
      return true;
    out.functions.push_back(summarizeFunction(env, FD));
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
    if (Fn && Field)
      fieldSet(Field->getParent(), Field, Fn, BO->getRHS()->getBeginLoc());
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
      out.fieldTargets.push_back({Via, Key});
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

TuSummary summarizeTranslationUnit(ASTContext &ctx, const RuleSet &rules) {
  TuSummary Out;
  AstEnv Env(ctx, rules);
  const SourceManager &SM = ctx.getSourceManager();
  Out.file = Env.loc(SM.getLocForStartOfFile(SM.getMainFileID())).file;
  TuVisitor V(Env, Out);
  V.TraverseDecl(ctx.getTranslationUnitDecl());
  return Out;
}

} // namespace fencedep::analyzer
