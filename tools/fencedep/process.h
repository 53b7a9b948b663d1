// Starting the command under test and waiting for it, as a shell would.
#pragma once
#include <string>
#include <vector>

namespace fencedep::cli {

// execvp's lookup: a name with a '/' is used as is, anything else is searched
// in $PATH. Returns 0 and sets *path, or the errno execvp would fail with.
int resolve_command(const std::string &cmd, std::string *path);

struct ChildExit {
  int exec_errno = 0; // non-zero: the command never started
  int status = 0;     // exit code, or 128 + signal number
  int signal = 0;     // the signal that killed it, if any
};

// Runs `path` with `argv` and `env`, forwards SIGINT, SIGTERM, SIGHUP and
// SIGQUIT sent to fencedep itself, and waits for it.
ChildExit spawn_and_wait(const std::string &path, const std::vector<std::string> &argv,
                         const std::vector<std::string> &env);

} // namespace fencedep::cli
