// The fence-signalling-resv-lock check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a dma-resv lock taken inside a dma-fence signalling section or root.
///
/// Documentation: docs/checks/fence-signalling-resv-lock.md
class SignallingResvLockCheck : public FenceCheck {
public:
  SignallingResvLockCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingResvLock) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
