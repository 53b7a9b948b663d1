#include "AtomicCallbackSleepCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void AtomicCallbackSleepCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Calls that may sleep: waits, sleeping locks, allocations, listed sleepers.
  auto SleeperFunction = functionDecl(vocabulary(isSleeping));
  Finder->addMatcher(callExpr(callee(SleeperFunction)).bind("sleeper"), this);
}

void AtomicCallbackSleepCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Sleeper = Result.Nodes.getNodeAs<CallExpr>("sleeper"))
    reportFindingsAt(*Sleeper, *Result.Context);
}

} // namespace fencedep::tidy
