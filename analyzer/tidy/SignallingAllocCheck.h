// The fence-signalling-alloc check. Its matcher selects candidate calls from the
// rules' vocabulary; the shared TU analysis decides which are findings.
#pragma once

#include "FenceCheck.h"

namespace fencedep::tidy {

/// Flags an allocation that may enter memory reclaim reachable inside a dma-
/// fence signalling section or root.
///
/// Documentation: docs/checks/fence-signalling-alloc.md
class SignallingAllocCheck : public FenceCheck {
public:
  SignallingAllocCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context)
      : FenceCheck(Name, Context, analyzer::CheckId::SignallingAlloc) {}
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace fencedep::tidy
