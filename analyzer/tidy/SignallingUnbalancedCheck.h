// The fence-signalling-unbalanced check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a dma-fence signalling section that is not closed on some path, loses
/// its cookie, or ends before work it must cover.
///
/// Documentation: docs/checks/fence-signalling-unbalanced.md
class SignallingUnbalancedCheck : public FenceCheck {
public:
  SignallingUnbalancedCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingUnbalanced) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
