// Subcommands of the fencedep CLI. Each lives in its own cmd_*.cpp and
// registers itself on the top-level app; main only parses and dispatches,
// so a new subcommand is one new file and one line in main.cpp.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fencedep::cli {

void register_run(CLI::App &app);
void register_demo(CLI::App &app);
void register_analyze(CLI::App &app);
void register_graph(CLI::App &app);
void register_record(CLI::App &app);
void register_check(CLI::App &app);

// What a subcommand does once its options are parsed; returns the exit status.
using Action = std::function<int()>;

// Binds `action` to subcommand `sub`.
void set_action(CLI::App &sub, Action action);
// Runs the action of the subcommand that was selected on the command line.
int run_selected(const CLI::App &app);

// Everything after the first `--` on the command line: the command that
// `run` starts. main keeps it away from option parsing, so the command's own
// options and `--` reach it untouched.
std::vector<std::string> &command_after_dashes();

// fencedep's own failures (bad input, refusing to run), as opposed to the
// status of a command it ran.
inline constexpr int kExitToolError = 2;

} // namespace fencedep::cli
