// The per-function, path-sensitive part of summarizing: a forward dataflow
// over the function's CFG that knows, at each call, which locks are held on
// every path, whether a signalling section or reclaim region is open, which
// LR predicates the branches taken have decided, and which local fences are
// long-running.
#pragma once

#include "ast_helpers.h"

namespace clang {
class FunctionDecl;
}

namespace fencedep::analyzer {

// Summarizes one function definition.
FunctionSummary summarizeFunction(AstEnv &env, const clang::FunctionDecl *FD);

} // namespace fencedep::analyzer
