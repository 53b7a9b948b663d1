// The fence-signalling-wq-reclaim check. Its matcher selects workqueue
// allocations and queueing calls from the rules' vocabulary; the shared TU
// analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags a workqueue without WQ_MEM_RECLAIM (or a system workqueue) that
/// runs work queued on a dma-fence signalling path or in memory reclaim.
///
/// Documentation: docs/checks/fence-signalling-wq-reclaim.md
class SignallingWqReclaimCheck : public FenceCheck {
public:
  SignallingWqReclaimCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingWqReclaim) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
