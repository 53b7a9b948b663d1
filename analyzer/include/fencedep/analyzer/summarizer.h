// Building summaries from a Clang AST: the one place where the static pass
// looks at source code. Both front ends call it: the clang-tidy plugin on
// the TU clang-tidy parsed, `fencedep check` on each TU of a compilation
// database.
#pragma once

#include "fencedep/analyzer/summary.h"

#include <functional>
#include <string>

namespace clang {
class ASTContext;
}

namespace fencedep::analyzer {

struct RuleSet;

// Summarizes every function defined in the TU (outside system headers) and
// the contexts the TU registers. Locations carry their SourceLocation
// encoding (Loc::raw) for as long as `ctx` lives. A function defined in a
// header is summarized only when `claimHeaderFunction(key)` says no other
// TU has done it (always when it is empty).
TuSummary summarizeTranslationUnit(
    clang::ASTContext &ctx, const RuleSet &rules,
    const std::function<bool(const std::string &)> &claimHeaderFunction = {});

} // namespace fencedep::analyzer
