// `fencedep-check`: the check subcommand on its own, from the same
// tools/fencedep/cmd_check.cpp the fencedep CLI registers. The tests use it
// while the fencedep binary does not register `check` (see
// analyzer/tests/CMakeLists.txt); it is not installed.
#include <CLI/CLI.hpp>

#include <string_view>

#include "commands.h"

namespace fencedep::cli {
// Defined in cmd_check.cpp; declared in commands.h once the CLI registers it.
void register_check(CLI::App &app);
} // namespace fencedep::cli

int main(int argc, char **argv) {
  CLI::App app{"fencedep check, standalone (the tests' fallback for `fencedep check`)",
               "fencedep-check"};
  app.require_subcommand(1);
  fencedep::cli::register_check(app);
  // As the fencedep CLI's main does: what follows `--` is not ours to parse.
  int ours = 0;
  while (ours < argc && std::string_view(argv[ours]) != "--")
    ++ours;
  for (int i = ours + 1; i < argc; ++i)
    fencedep::cli::command_after_dashes().emplace_back(argv[i]);
  try {
    app.parse(ours, argv);
  } catch (const CLI::ParseError &e) {
    return app.exit(e);
  }
  return fencedep::cli::run_selected(app);
}
