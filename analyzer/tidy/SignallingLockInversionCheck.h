// The fence-signalling-lock-inversion check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a lock taken inside a dma-fence signalling path that is elsewhere held
/// across a fence wait or an allocation that may enter reclaim.
///
/// Documentation: docs/checks/fence-signalling-lock-inversion.md
class SignallingLockInversionCheck : public FenceCheck {
public:
  SignallingLockInversionCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingLockInversion) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
