// The fence-signalling-wait check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a fence wait reachable inside a dma-fence signalling section or root.
///
/// Documentation: docs/checks/fence-signalling-wait.md
class SignallingWaitCheck : public FenceCheck {
public:
  SignallingWaitCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingWait) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
