#include "SignallingWqReclaimCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void SignallingWqReclaimCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Workqueue allocations (the usual place of a finding) and queueing
  // calls (the place when the workqueue is a system one).
  auto WqFunction = functionDecl(vocabulary(isWorkqueueCall));
  Finder->addMatcher(callExpr(callee(WqFunction)).bind("wq"), this);
}

void SignallingWqReclaimCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>("wq"))
    reportFindingsAt(*Call, *Result.Context);
}

} // namespace fencedep::tidy
