// Applies model events (model_event.h) to the Engine: the offline readers'
// one way into the model, keeping per-thread state (held set, signal window,
// open signalling sections) for every thread of every input.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fencedep/core/engine.h"
#include "fencedep/core/model_event.h"

namespace fencedep {

class EngineFeeder final : public ModelSink {
public:
  explicit EngineFeeder(Engine &engine) : engine_(engine) {}

  // Starts input `trace` (1-based): new edges name it, and its threads never
  // share state with another input's. `signal_window`: a signal depends on
  // what its thread did since its last completed wait (the userspace model).
  // Kernel inputs turn it off: workers and interrupt handlers run unrelated
  // work back to back, so there a signal depends only on the locks held at
  // it and on its explicit signalling section (lockdep's model).
  void begin_trace(uint32_t trace, bool signal_window);
  void event(const ModelEvent &e) override;
  uint64_t events() const { return events_; }
  size_t threads() const { return threads_.size(); }

private:
  struct Thread {
    ThreadState state;
    std::vector<std::pair<ClassId, int>> sections; // open sections and their cookies
  };
  Thread &thread(uint32_t tid);

  Engine &engine_;
  std::unordered_map<uint64_t, std::unique_ptr<Thread>> threads_;
  uint64_t last_key_ = ~0ull;
  Thread *last_ = nullptr;
  uint32_t trace_ = 0;
  uint32_t pid_ = ~0u;
  bool signal_window_ = true;
  uint64_t events_ = 0;
};

} // namespace fencedep
