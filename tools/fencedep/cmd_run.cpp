// `fencedep run [options] -- CMD ARGS...`: runs CMD with the runtime
// preloaded into it and every process it starts (each prints its reports,
// symbolized, as it finds them), then collects the JSON and exit status.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "runner.h"

namespace fencedep::cli {

void register_run(CLI::App &app) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App *sub =
      app.add_subcommand("run", "Run a command under the runtime and report potential deadlocks");
  sub->footer("Exit status: the command's own; --exitcode (66) when a potential deadlock was\n"
              "reported; 127 when the command cannot be executed; 128+N when signal N killed\n"
              "it; 2 when fencedep refuses to run it (a static program) or cannot read the\n"
              "runtime's output. --json writes one JSON array holding every report of every\n"
              "process, in the order they were reported.");
  add_run_options(*sub, *opts);
  // Without `--`, everything from the command's name on is the command's
  // (CLI11's prefix command), as long as it has no option spelled like ours.
  auto program = std::make_shared<std::string>();
  sub->add_option("command", *program, "The command to run and its arguments, after --")
      ->type_name("CMD ARGS...");
  sub->prefix_command();
  set_action(*sub, [opts, program, sub] {
    opts->command.clear();
    if (!program->empty())
      opts->command.push_back(*program);
    for (const std::string &a : sub->remaining())
      opts->command.push_back(a);
    for (const std::string &a : command_after_dashes())
      opts->command.push_back(a);
    if (opts->command.empty()) {
      std::fprintf(stderr, "fencedep run: no command given; usage: fencedep run [OPTIONS] -- CMD "
                           "ARGS...\n");
      return kExitToolError;
    }
    RunOutcome outcome;
    run_under_runtime(*opts, &outcome);
    return outcome.status;
  });
}

} // namespace fencedep::cli
