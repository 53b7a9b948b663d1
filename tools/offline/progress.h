// Progress of long reads on a terminal: one line on stderr, redrawn at most
// a few times a second and erased when done, so logs and pipes stay clean.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace fencedep::offline {

class Progress {
public:
  // Draws only when `enabled` (the CLI enables it on a terminal).
  explicit Progress(bool enabled) : enabled_(enabled) {}
  ~Progress() { finish(); }

  void begin(const std::string &what, uint64_t total_bytes);
  void update(uint64_t done_bytes);
  void finish();
  bool enabled() const { return enabled_; }

private:
  bool enabled_;
  bool drawn_ = false;
  std::string what_;
  uint64_t total_ = 0;
  std::chrono::steady_clock::time_point last_{};
  std::chrono::steady_clock::time_point start_{};
};

} // namespace fencedep::offline
