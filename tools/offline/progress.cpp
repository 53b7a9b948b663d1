#include "progress.h"

#include <unistd.h>

#include <cstdio>

namespace fencedep::offline {

void Progress::begin(const std::string &what, uint64_t total_bytes) {
  what_ = what;
  total_ = total_bytes;
  start_ = std::chrono::steady_clock::now();
  last_ = {};
}

void Progress::update(uint64_t done) {
  if (!enabled_)
    return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(200))
    return;
  last_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double mib = double(done) / (1 << 20);
  char line[512];
  int n = std::snprintf(line, sizeof line, "\rfencedep: reading %s: %3.0f%% (%.0f of %.0f MiB, %.0f MiB/s)\033[K",
                        what_.c_str(), total_ ? 100.0 * double(done) / double(total_) : 100.0,
                        mib, double(total_) / (1 << 20), secs > 0 ? mib / secs : 0.0);
  if (n > 0 && write(2, line, size_t(n) < sizeof line ? size_t(n) : sizeof line - 1) < 0)
    enabled_ = false;
  drawn_ = true;
}

void Progress::finish() {
  if (!drawn_)
    return;
  drawn_ = false;
  if (write(2, "\r\033[K", 4) < 0)
    enabled_ = false;
}

} // namespace fencedep::offline
