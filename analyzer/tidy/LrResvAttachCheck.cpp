#include "LrResvAttachCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void LrResvAttachCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Calls that attach a fence to a reservation object.
  auto AttachFunction = functionDecl(vocabulary(isResvAttach));
  Finder->addMatcher(callExpr(callee(AttachFunction)).bind("attach"), this);
}

void LrResvAttachCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Attach = Result.Nodes.getNodeAs<CallExpr>("attach"))
    reportFindingsAt(*Attach, *Result.Context);
}

} // namespace fencedep::tidy
