// `fencedep check -p BUILD_DIR [FILES...]` (or `fencedep check FILES --
// FLAGS`): the static pass over a compilation database — per-function summaries of every TU, merged, with
// findings whose call paths may cross TUs. The work is in the analyzer
// library (fencedep/analyzer/check_driver.h); this file is its command line.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "fencedep/analyzer/check_driver.h"

#ifndef FENCEDEP_VERSION
#define FENCEDEP_VERSION "unknown"
#endif

namespace fencedep::cli {

void register_check(CLI::App &app) {
  auto opts = std::make_shared<analyzer::CheckOptions>();
  auto shard = std::make_shared<std::string>();
  auto progress = std::make_shared<bool>(false);
  auto no_progress = std::make_shared<bool>(false);
  auto no_source = std::make_shared<bool>(false);
  CLI::App *sub = app.add_subcommand(
      "check", "Static pass over a compilation database: long-running fence and dma-fence "
               "signalling rules, across translation units");
  sub->footer(
      "Rules: the bundled rules/linux-dma-fence.yaml, then each --rules FILE (schema in\n"
      "rules/README.md). Without -p, `fencedep check a.c b.c -- -Iinclude ...` compiles\n"
      "the files with the flags after --. Sharding: run `--shard I/N --summaries sI.json`\n"
      "for each shard, then `fencedep check --merge s1.json ... sN.json` to report on the\n"
      "whole program. Exit status: 0 no findings; 1 findings remain; 2 bad input (rules,\n"
      "database, a TU that does not compile, a summary file) - the rest still runs.");
  sub->add_option("-p,--build-dir", opts->buildDir,
                  "Directory holding compile_commands.json");
  sub->add_option("files", opts->files,
                  "Only these TUs (suffixes of the database's paths); without -p, the files to "
                  "compile with the flags after --");
  sub->add_option("--rules", opts->rules, "Extra rule file (repeatable)")->type_name("FILE");
  sub->add_flag("--no-default-rules", opts->noDefaultRules,
                "Do not load the bundled rules/linux-dma-fence.yaml");
  sub->add_option("--checks", opts->checks,
                  "Checks to report, clang-tidy style globs (default fence-*)")
      ->type_name("GLOBS");
  sub->add_option("--format", opts->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif"}));
  sub->add_option("-o,--output", opts->output, "Write the report to FILE (default stdout)")
      ->type_name("FILE");
  sub->add_option("-j,--jobs", opts->jobs, "Translation units analysed in parallel (default: "
                                           "one per CPU)");
  sub->add_option("--shard", *shard, "Analyse only shard I of N (1-based) and write its "
                                     "summaries; needs --summaries")
      ->type_name("I/N");
  sub->add_option("--summaries", opts->summariesOut, "Write the TUs' summaries to FILE")
      ->type_name("FILE");
  sub->add_option("--merge", opts->mergeIn,
                  "Report on summary files (from --summaries) instead of compiling")
      ->type_name("FILE");
  sub->add_option("--extra-arg", opts->extraArgs, "Argument appended to every compile command")
      ->type_name("ARG");
  sub->add_option("--root", opts->root,
                  "Source root: SARIF locations are relative to it (default: current directory)")
      ->type_name("DIR");
  sub->add_flag("--progress", *progress, "Show progress even when stderr is not a terminal");
  sub->add_flag("--no-progress", *no_progress, "Never show progress");
  sub->add_flag("--no-source", *no_source, "Text format: no source line and caret");
  set_action(*sub, [opts, shard, progress, no_progress, no_source] {
    if (!shard->empty() &&
        !analyzer::parseShard(*shard, opts->shardIndex, opts->shardCount)) {
      std::fprintf(stderr, "fencedep check: error: --shard takes I/N with 1 <= I <= N, not '%s'\n",
                   shard->c_str());
      return kExitToolError;
    }
    opts->compileFlags = command_after_dashes();
    opts->progress = *no_progress ? 0 : *progress ? 1 : -1;
    opts->source = !*no_source;
    opts->toolVersion = FENCEDEP_VERSION;
    return analyzer::runCheck(*opts);
  });
}

} // namespace fencedep::cli
