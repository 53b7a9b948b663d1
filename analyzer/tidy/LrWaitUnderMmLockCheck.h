// The fence-lr-wait-under-mm-lock check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a wait on a long-running fence while an MM lock class is held.
///
/// Documentation: docs/checks/fence-lr-wait-under-mm-lock.md
class LrWaitUnderMmLockCheck : public FenceCheck {
public:
  LrWaitUnderMmLockCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::LrWaitUnderMmLock) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
