#include "LrWaitInReclaimCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void LrWaitInReclaimCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Fence waits.
  auto WaitFunction = functionDecl(vocabulary(isWait));
  Finder->addMatcher(callExpr(callee(WaitFunction)).bind("wait"), this);
}

void LrWaitInReclaimCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Wait = Result.Nodes.getNodeAs<CallExpr>("wait"))
    reportFindingsAt(*Wait, *Result.Context);
}

} // namespace fencedep::tidy
