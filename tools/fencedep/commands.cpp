#include "commands.h"

#include <CLI/CLI.hpp>

#include <map>

namespace fencedep::cli {

// Keyed by the subcommand object: CLI11 owns the apps, and their addresses
// are stable for the life of the top-level app.
static std::map<const CLI::App *, Action> &actions() {
  static std::map<const CLI::App *, Action> map;
  return map;
}

std::vector<std::string> &command_after_dashes() {
  static std::vector<std::string> args;
  return args;
}

void set_action(CLI::App &sub, Action action) { actions()[&sub] = std::move(action); }

int run_selected(const CLI::App &app) {
  for (const CLI::App *sub : app.get_subcommands()) {
    auto it = actions().find(sub);
    if (it != actions().end())
      return it->second();
  }
  return kExitToolError;
}

} // namespace fencedep::cli
