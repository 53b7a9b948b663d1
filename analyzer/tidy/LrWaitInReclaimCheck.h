// The fence-lr-wait-in-reclaim check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a wait on a long-running fence that is reachable from an MM context.
///
/// Documentation: docs/checks/fence-lr-wait-in-reclaim.md
class LrWaitInReclaimCheck : public FenceCheck {
public:
  LrWaitInReclaimCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::LrWaitInReclaim) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
