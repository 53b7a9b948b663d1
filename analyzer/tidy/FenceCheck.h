// What every fence-* check shares: the rules (default file plus the
// `RulesFiles` option), the matcher vocabulary taken from them, and
// turning the TU analysis's findings at a matched call into a warning with
// notes for its call path.
#pragma once

#include "TuAnalysis.h"

#include <clang-tidy/ClangTidyCheck.h>

#include <memory>
#include <set>
#include <string>

namespace fencedep::tidy {

class FenceCheck : public clang::tidy::ClangTidyCheck {
public:
  FenceCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context,
             analyzer::CheckId Id);

  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override;
  void onEndOfTranslationUnit() override;

protected:
  bool rulesLoaded() const { return Rules != nullptr; }
  // Matches declarations of the vocabulary functions `Pred` selects.
  clang::ast_matchers::internal::Matcher<clang::NamedDecl>
  vocabulary(bool (*Pred)(const analyzer::ApiInfo &)) const;
  // Emits the findings of this check located at `Call`.
  void reportFindingsAt(const clang::CallExpr &Call, clang::ASTContext &Ctx);

private:
  analyzer::CheckId Id;
  std::string RulesFiles;
  bool UseDefaultRules;
  std::shared_ptr<const analyzer::RuleSet> Rules;
  std::shared_ptr<TuAnalysis> Analysis;
  std::set<const analyzer::Finding *> Emitted;

  void emit(const analyzer::Finding &F);
};

// Vocabulary selectors for the checks' matchers.
bool isWait(const analyzer::ApiInfo &I);
bool isAlloc(const analyzer::ApiInfo &I);
bool isLockAcquire(const analyzer::ApiInfo &I);
bool isResvAttach(const analyzer::ApiInfo &I);
bool isExport(const analyzer::ApiInfo &I);
bool isDependency(const analyzer::ApiInfo &I);
bool isSectionBoundary(const analyzer::ApiInfo &I);
bool isSleeping(const analyzer::ApiInfo &I);
bool isWorkqueueCall(const analyzer::ApiInfo &I);

} // namespace fencedep::tidy
