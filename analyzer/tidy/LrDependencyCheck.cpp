#include "LrDependencyCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void LrDependencyCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Calls that make work depend on a fence.
  auto DependencyFunction = functionDecl(vocabulary(isDependency));
  Finder->addMatcher(callExpr(callee(DependencyFunction)).bind("dependency"), this);
}

void LrDependencyCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Dependency = Result.Nodes.getNodeAs<CallExpr>("dependency"))
    reportFindingsAt(*Dependency, *Result.Context);
}

} // namespace fencedep::tidy
