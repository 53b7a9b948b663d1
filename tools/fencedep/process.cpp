#include "process.h"

#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iterator>

namespace fencedep::cli {

static bool is_executable_file(const std::string &p, int *err) {
  struct stat st;
  if (::stat(p.c_str(), &st) != 0) {
    *err = errno;
    return false;
  }
  if (!S_ISREG(st.st_mode) || ::access(p.c_str(), X_OK) != 0) {
    *err = EACCES;
    return false;
  }
  return true;
}

int resolve_command(const std::string &cmd, std::string *path) {
  if (cmd.empty())
    return ENOENT;
  int err = 0;
  if (cmd.find('/') != std::string::npos) {
    *path = cmd;
    return is_executable_file(cmd, &err) ? 0 : err;
  }
  const char *env = std::getenv("PATH");
  std::string dirs = env ? env : "/bin:/usr/bin";
  // As execvp: EACCES from any candidate wins over ENOENT from the rest.
  int result = ENOENT;
  size_t start = 0;
  for (;;) {
    size_t end = dirs.find(':', start);
    std::string dir = dirs.substr(start, end == std::string::npos ? end : end - start);
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + cmd;
    if (is_executable_file(candidate, &err)) {
      *path = candidate;
      return 0;
    }
    if (err == EACCES)
      result = EACCES;
    if (end == std::string::npos)
      return result;
    start = end + 1;
  }
}

static std::atomic<pid_t> g_child{0};

// A signal typed at the terminal already reaches the child, which is in the
// same foreground process group; forwarding it would deliver it twice. Only
// signals sent to fencedep by a process (kill, a CI timeout) are forwarded.
static void forward_signal(int sig, siginfo_t *info, void *) {
  pid_t child = g_child.load();
  if (child > 0 && info && info->si_code <= 0)
    ::kill(child, sig);
}

static std::vector<char *> c_strings(const std::vector<std::string> &v) {
  std::vector<char *> out;
  out.reserve(v.size() + 1);
  for (const std::string &s : v)
    out.push_back(const_cast<char *>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

static constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

ChildExit spawn_and_wait(const std::string &path, const std::vector<std::string> &argv,
                         const std::vector<std::string> &env) {
  ChildExit result;
  // Signals fencedep was started ignoring (nohup, a background job of a
  // script) stay ignored, and the child inherits that as it would without
  // fencedep; the others are forwarded, and reset to default in the child.
  struct sigaction sa = {}, old[std::size(kForwarded)];
  bool installed[std::size(kForwarded)] = {};
  sa.sa_sigaction = forward_signal;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (size_t i = 0; i < std::size(kForwarded); ++i) {
    if (::sigaction(kForwarded[i], nullptr, &old[i]) != 0 || old[i].sa_handler == SIG_IGN)
      continue;
    installed[i] = ::sigaction(kForwarded[i], &sa, nullptr) == 0;
    sigaddset(&defaults, kForwarded[i]);
  }

  // Held back until the child's pid is known, so none is lost in between;
  // the child starts with fencedep's original mask.
  sigset_t held, old_mask;
  sigemptyset(&held);
  for (int sig : kForwarded)
    sigaddset(&held, sig);
  ::sigprocmask(SIG_BLOCK, &held, &old_mask);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &old_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char *> cargv = c_strings(argv), cenv = c_strings(env);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, path.c_str(), nullptr, &attr, cargv.data(), cenv.data());
  if (rc == ENOEXEC) {
    // execvp runs a file without a #! line with the shell; so do we.
    std::vector<std::string> sh_argv{"/bin/sh", path};
    sh_argv.insert(sh_argv.end(), argv.begin() + 1, argv.end());
    std::vector<char *> csh = c_strings(sh_argv);
    rc = ::posix_spawn(&pid, "/bin/sh", nullptr, &attr, csh.data(), cenv.data());
  }
  posix_spawnattr_destroy(&attr);
  if (rc == 0)
    g_child.store(pid);
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  if (rc != 0) {
    result.exec_errno = rc;
  } else {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    g_child.store(0);
    if (WIFSIGNALED(status)) {
      result.signal = WTERMSIG(status);
      result.status = 128 + result.signal;
    } else {
      result.status = WEXITSTATUS(status);
    }
  }
  for (size_t i = 0; i < std::size(kForwarded); ++i)
    if (installed[i])
      ::sigaction(kForwarded[i], &old[i], nullptr);
  return result;
}

} // namespace fencedep::cli
