#include "SignallingAllocCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void SignallingAllocCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Allocations (whether they may reclaim depends on their gfp).
  auto AllocFunction = functionDecl(vocabulary(isAlloc));
  Finder->addMatcher(callExpr(callee(AllocFunction)).bind("alloc"), this);
}

void SignallingAllocCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Alloc = Result.Nodes.getNodeAs<CallExpr>("alloc"))
    reportFindingsAt(*Alloc, *Result.Context);
}

} // namespace fencedep::tidy
