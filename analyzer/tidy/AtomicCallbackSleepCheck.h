// The fence-atomic-callback-sleep check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a call that may sleep inside a dma-fence callback or enable_signaling.
///
/// Documentation: docs/checks/fence-atomic-callback-sleep.md
class AtomicCallbackSleepCheck : public FenceCheck {
public:
  AtomicCallbackSleepCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::AtomicCallbackSleep) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
