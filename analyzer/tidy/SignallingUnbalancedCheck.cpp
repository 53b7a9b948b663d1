#include "SignallingUnbalancedCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void SignallingUnbalancedCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Section begin and end calls.
  auto BoundaryFunction = functionDecl(vocabulary(isSectionBoundary));
  Finder->addMatcher(callExpr(callee(BoundaryFunction)).bind("boundary"), this);
  // Locks taken after a section ended.
  auto LockFunction = functionDecl(vocabulary(isLockAcquire));
  Finder->addMatcher(callExpr(callee(LockFunction)).bind("lock"), this);
}

void SignallingUnbalancedCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Boundary = Result.Nodes.getNodeAs<CallExpr>("boundary"))
    reportFindingsAt(*Boundary, *Result.Context);
  if (const auto *Lock = Result.Nodes.getNodeAs<CallExpr>("lock"))
    reportFindingsAt(*Lock, *Result.Context);
}

} // namespace fencedep::tidy
