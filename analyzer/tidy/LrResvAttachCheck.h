// The fence-lr-resv-attach check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a long-running fence that reaches a dma-resv attach sink.
///
/// Documentation: docs/checks/fence-lr-resv-attach.md
class LrResvAttachCheck : public FenceCheck {
public:
  LrResvAttachCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::LrResvAttach) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
