#include "LrExportCheck.h"

#include <clang/ASTMatchers/ASTMatchFinder.h>
#include <clang/ASTMatchers/ASTMatchers.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace fencedep::tidy {

void LrExportCheck::registerMatchers(MatchFinder *Finder) {
  if (!rulesLoaded())
    return;
  // Calls that export a fence or wrap it in a container.
  auto ExportFunction = functionDecl(vocabulary(isExport));
  Finder->addMatcher(callExpr(callee(ExportFunction)).bind("export"), this);
}

void LrExportCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Export = Result.Nodes.getNodeAs<CallExpr>("export"))
    reportFindingsAt(*Export, *Result.Context);
}

} // namespace fencedep::tidy
