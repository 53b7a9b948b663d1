// Reports that language runtimes' own scheduling makes impossible, which no
// rule of the model can see (as TSan ships suppressions for its runtimes'
// internals). `builtin_suppressions=0` turns them off; suppressed reports
// are counted in the exit summary like the user's.
#pragma once

namespace fencedep::runtime {

// The rules, in the suppressions file syntax.
extern const char kBuiltinSuppressions[];

} // namespace fencedep::runtime
