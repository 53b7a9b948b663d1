#include "runtime_env.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

extern char **environ;

namespace fencedep::cli {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return ".";
  std::string exe(buf, size_t(n));
  size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "." : exe.substr(0, slash);
}

std::string locate_runtime(const std::string &explicit_path) {
  std::string path = explicit_path;
  if (path.empty()) {
    const char *env = std::getenv("FENCEDEP_RUNTIME");
    path = env && *env ? env : self_dir() + "/../lib/libfencedep.so";
  }
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  return ec ? std::filesystem::absolute(path).lexically_normal().string() : p.string();
}

static std::vector<std::string> split_options(const std::string &s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == kOptionSeparator || c == ' ' || c == '\t' || c == '\n') {
      if (!cur.empty())
        out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty())
    out.push_back(cur);
  return out;
}

std::string merge_options(const std::string &existing, const OptionList &ours) {
  std::string out;
  auto append = [&](const std::string &item) {
    if (!out.empty())
      out += kOptionSeparator;
    out += item;
  };
  for (const std::string &item : split_options(existing)) {
    std::string key = item.substr(0, item.find('='));
    bool overridden = false;
    for (const auto &[k, v] : ours)
      overridden |= k == key;
    if (!overridden)
      append(item);
  }
  for (const auto &[k, v] : ours)
    append(k + "=" + v);
  return out;
}

// Already preloaded (a nested `fencedep run`): loading it twice would
// interpose every call twice.
static bool preload_has(const std::string &list, const std::string &lib) {
  size_t start = 0;
  for (;;) {
    size_t end = list.find_first_of(": ", start);
    if (list.substr(start, end - start) == lib)
      return true;
    if (end == std::string::npos)
      return false;
    start = end + 1;
  }
}

std::vector<std::string> child_environment(const std::string &runtime, const std::string &options) {
  std::vector<std::string> env;
  std::string preload = runtime;
  for (char **e = environ; *e; ++e) {
    std::string var = *e;
    if (var.rfind("LD_PRELOAD=", 0) == 0) {
      std::string existing = var.substr(11);
      if (preload_has(existing, runtime))
        preload = existing;
      else if (!existing.empty())
        preload = runtime + ":" + existing;
      continue;
    }
    if (var.rfind("FENCEDEP_OPTIONS=", 0) == 0)
      continue;
    env.push_back(std::move(var));
  }
  env.push_back("LD_PRELOAD=" + preload);
  env.push_back("FENCEDEP_OPTIONS=" + options);
  return env;
}

} // namespace fencedep::cli
