// `fencedep check`: the whole-program static pass over a compilation
// database. Plain C++ types only, so the CLI (built with RTTI and
// exceptions, unlike Clang) includes this and nothing of Clang's.
#pragma once

#include <string>
#include <vector>

namespace fencedep::analyzer {

struct CheckOptions {
  std::string buildDir;           // -p: holds compile_commands.json
  std::vector<std::string> files; // only TUs whose path ends with one of these
  // Without a build directory: compile `files` with these flags (what
  // follows `--` on the command line, as for clang-tidy).
  std::vector<std::string> compileFlags;
  std::vector<std::string> rules; // extra rule files, after the default
  bool noDefaultRules = false;
  std::string checks = "fence-*"; // clang-tidy style: "-*,fence-lr-*"
  std::string format = "text";    // text | json | sarif
  std::string output;             // file to write the report to; stdout if empty
  unsigned jobs = 0;              // parallel TUs; 0: one per CPU
  unsigned shardIndex = 0;        // --shard I/N, 1-based I; 0: no sharding
  unsigned shardCount = 0;
  std::string summariesOut;         // write the TUs' summaries here
  std::vector<std::string> mergeIn; // analyse these summary files instead of compiling
  std::vector<std::string> extraArgs; // appended to every compile command
  std::string root;                   // SARIF paths are relative to it; default: cwd
  int progress = -1;                  // 1 on, 0 off, -1 when stderr is a terminal
  bool source = true;                 // text: print the source line and a caret
  std::string toolVersion;
};

// Exit statuses.
inline constexpr int kCheckClean = 0;
inline constexpr int kCheckFindings = 1; // findings remain (and no input error)
inline constexpr int kCheckError = 2;    // bad input: rules, database, TU, summary file

// Runs the check and writes the report; returns one of the statuses above.
int runCheck(const CheckOptions &opts);

// Parses "I/N" (1 <= I <= N); false when malformed.
bool parseShard(const std::string &text, unsigned &index, unsigned &count);

} // namespace fencedep::analyzer
