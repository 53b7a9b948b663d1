// A test-and-test-and-set spin lock with yield back-off. The runtime cannot
// use pthread mutexes internally: they are what it intercepts.
#pragma once
#include <atomic>
#include <sched.h>

namespace fencedep {

class SpinLock {
public:
  void lock() {
    for (unsigned spins = 0;; ++spins) {
      if (!held_.load(std::memory_order_relaxed) &&
          !held_.exchange(true, std::memory_order_acquire))
        return;
      if (spins > 64)
        sched_yield();
    }
  }
  bool try_lock() {
    return !held_.load(std::memory_order_relaxed) &&
           !held_.exchange(true, std::memory_order_acquire);
  }
  void unlock() { held_.store(false, std::memory_order_release); }
  // After fork only the forking thread exists; a lock another thread held
  // would never be released.
  void reset() { held_.store(false, std::memory_order_relaxed); }

private:
  std::atomic<bool> held_{false};
};

class SpinGuard {
public:
  explicit SpinGuard(SpinLock &l) : l_(l) { l_.lock(); }
  ~SpinGuard() { l_.unlock(); }
  SpinGuard(const SpinGuard &) = delete;
  SpinGuard &operator=(const SpinGuard &) = delete;

private:
  SpinLock &l_;
};

} // namespace fencedep
