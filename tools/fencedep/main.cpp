// fencedep: deadlock analysis for fences, condition variables and locks.
#include <CLI/CLI.hpp>

#include <string_view>

#include "commands.h"

int main(int argc, char **argv) {
  CLI::App app{"fencedep: lockdep-style deadlock analysis for fences and locks.\n"
               "Predicts deadlocks from runs that did not hang.",
               "fencedep"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "fencedep " FENCEDEP_VERSION);
  fencedep::cli::register_run(app);
  fencedep::cli::register_demo(app);
  fencedep::cli::register_analyze(app);
  fencedep::cli::register_graph(app);
  fencedep::cli::register_record(app);
  fencedep::cli::register_check(app);
  // Split at the first `--`: what follows is a command line to run, which
  // CLI11 would otherwise scan for options of ours.
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
