// The fence-lr-export check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a long-running fence that reaches an export sink or a container that
/// launders it into an ordinary dma-fence.
///
/// Documentation: docs/checks/fence-lr-export.md
class LrExportCheck : public FenceCheck {
public:
  LrExportCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::LrExport) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
