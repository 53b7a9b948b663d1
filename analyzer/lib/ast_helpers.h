// Helpers shared by the summarizer's parts: locations, function keys, and
// the values of expressions (fence, gfp, lock) as far as one function can
// tell.
#pragma once

#include "fencedep/analyzer/rules.h"
#include "fencedep/analyzer/summary.h"

#include <clang/AST/Decl.h>
#include <clang/AST/Expr.h>
#include <llvm/ADT/DenseMap.h>

#include <map>
#include <string>

namespace clang {
class ASTContext;
class SourceManager;
} // namespace clang

namespace fencedep::analyzer {

// What a local variable is known to hold at a program point.
using FenceFacts = std::map<const clang::VarDecl *, FenceVal>;

class AstEnv {
public:
  AstEnv(clang::ASTContext &ctx, const RuleSet &rules);

  clang::ASTContext &ctx;
  const clang::SourceManager &sm;
  const RuleSet &rules;

  // Where a user reads it: the expansion of macros, the file's absolute path.
  Loc loc(clang::SourceLocation L);
  // See FunctionSummary::key.
  std::string functionKey(const clang::FunctionDecl *FD);
  // "struct drm_sched_backend_ops" -> "drm_sched_backend_ops"; typedef'd
  // anonymous structs by their typedef name.
  static std::string recordName(clang::QualType T);

  bool hasLrAnnotation(const clang::Decl *D) const;
  // The record name when T is (a pointer to) a record the rules mark
  // long-running; empty otherwise.
  std::string lrTypeOf(clang::QualType T) const;
  const ApiInfo *api(const clang::FunctionDecl *FD) const;

  FenceVal fenceOf(const clang::Expr *E, const FenceFacts &facts);
  GfpVal gfpOf(const clang::Expr *E);
  LockRef lockOf(const clang::Expr *E);
  // The class of the object an expression designates (`&gt->reset.worker`
  // is `xe_gt.reset.worker`, a global by its name), or the parameter it is.
  LockRef objectRef(const clang::Expr *E);
  // The class of the work item queued or bound (`&sched->work_tdr`, a
  // delayed_work, is `drm_gpu_scheduler.work_tdr.work`); empty if unknown.
  std::string workClass(const clang::Expr *E);
  bool isWorkType(clang::QualType T) const;
  // Macro and enumerator names an expression is written with.
  void names(const clang::Stmt *S, llvm::SmallVectorImpl<llvm::StringRef> &out) const;
  // The variable an expression designates the object of: `&pf->base` -> pf.
  static const clang::VarDecl *rootVar(const clang::Expr *E);
  // Macro names that produced the token at L, innermost first.
  void macroNames(clang::SourceLocation L, llvm::SmallVectorImpl<llvm::StringRef> &out) const;
  // The source text of E as written (expansion range), for messages.
  std::string text(const clang::Expr *E) const;

private:
  std::string fileName(clang::FileID F);
  llvm::DenseMap<clang::FileID, std::string> files_;
};

// The function an expression names (`foo`, `&foo`), or nullptr.
const clang::FunctionDecl *functionRef(const clang::Expr *E);
// Strips parentheses, casts and __builtin_expect (likely/unlikely).
const clang::Expr *stripCondition(const clang::Expr *E);
int paramIndex(const clang::ParmVarDecl *P);

} // namespace fencedep::analyzer
