#include "SignallingResvLockCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void SignallingResvLockCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Lock acquisitions (the analysis keeps the dma-resv ones).
  auto LockFunction = functionDecl(vocabulary(isLockAcquire));
  Finder->addMatcher(callExpr(callee(LockFunction)).bind("lock"), this);
}

void SignallingResvLockCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Lock = Result.Nodes.getNodeAs<CallExpr>("lock"))
    reportFindingsAt(*Lock, *Result.Context);
}

} // namespace fencedep::tidy
