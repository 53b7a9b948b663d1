// The environment that puts a command under the runtime: LD_PRELOAD for the
// library and FENCEDEP_OPTIONS for its settings. Every process started from
// that environment inherits both, so children and exec'd programs are covered.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace fencedep::cli {

// Directory of the running fencedep binary (from /proc/self/exe).
std::string self_dir();

// The runtime library: `explicit_path` if given, else $FENCEDEP_RUNTIME,
// else ../lib/libfencedep.so next to this binary. Made absolute, because a
// process under test may change directory before it starts another.
std::string locate_runtime(const std::string &explicit_path);

using OptionList = std::vector<std::pair<std::string, std::string>>;

// FENCEDEP_OPTIONS: `existing` (the caller's own setting) with `ours` added,
// ours winning for keys set in both. Sanitizer syntax: key=value pairs
// separated by ':'.
std::string merge_options(const std::string &existing, const OptionList &ours);
inline constexpr char kOptionSeparator = ':';

// This process's environment with LD_PRELOAD and FENCEDEP_OPTIONS set.
std::vector<std::string> child_environment(const std::string &runtime, const std::string &options);

} // namespace fencedep::cli
