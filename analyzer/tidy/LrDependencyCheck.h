// The fence-lr-dependency check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a long-running fence that becomes a dependency or plain callback of
/// non-long-running work.
///
/// Documentation: docs/checks/fence-lr-dependency.md
class LrDependencyCheck : public FenceCheck {
public:
  LrDependencyCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::LrDependency) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
