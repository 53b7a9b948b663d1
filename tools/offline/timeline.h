// A timeline of what the inputs' threads did, as Chrome / Perfetto JSON
// (the Trace Event Format): lock holds, fence waits, signalling sections and
// MM contexts as slices per thread; signals as instants (with the fence's
// context:seqno) and a flow arrow to the wait each one ended; GPU jobs on a
// track per ring; and arrows along each reported cycle, from the first
// occurrence of one edge to the next. Slices on one track must nest (the
// viewers require it): a slice that would overlap another goes to another
// track of its thread, and jobs in flight together on a ring each get a
// track of their own.
#pragma once
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "fencedep/core/engine.h"
#include "fencedep/core/model_event.h"

namespace fencedep::offline {

class TimelineRecorder final : public ModelSink {
public:
  // Stops recording (and says so in the output) beyond `max_slices`.
  explicit TimelineRecorder(size_t max_slices = 4'000'000) : max_slices_(max_slices) {}

  void event(const ModelEvent &e) override;
  void thread_name(uint32_t trace, uint32_t pid, uint32_t tid, std::string_view name) override;

  struct Cycle {
    std::string title;
    std::vector<EdgeId> edges;
  };
  // `class_name` names a class; `trace_names[i]` is input i + 1.
  void write_json(std::ostream &out, Engine &engine, const std::vector<Cycle> &cycles,
                  const std::vector<std::string> &class_names,
                  const std::vector<std::string> &trace_names) const;

  size_t slices() const { return slices_.size(); }
  bool truncated() const { return truncated_; }

private:
  enum class Kind : uint8_t { Lock, Wait, Section, Mm, Signal, Await, Contention, Job, Reclaim };
  struct Slice {
    uint32_t thread;
    Kind kind;
    bool read;
    ClassId cls;
    uint64_t inst;
    uint64_t pc;
    uint64_t begin;
    uint64_t end; // ~0: never closed in the input
    uint64_t shown; // kernel fences: context << 32 | seqno, else 0
  };
  struct Open {
    size_t slice;
    uint32_t depth;
  };
  struct Thread {
    uint32_t trace, pid, tid;
    std::string name;
    std::vector<Open> open;
  };
  uint32_t thread_index(uint32_t trace, uint32_t pid, uint32_t tid);
  void open_slice(uint32_t thread, Kind kind, const ModelEvent &e, ClassId cls);
  void close_slice(uint32_t thread, Kind kind, uint64_t inst, ClassId cls, uint64_t ts,
                   bool by_class);
  // The slice where an edge first occurred, or npos.
  size_t find_edge_slice(const EdgeInfo &e, uint64_t stack_pc) const;

  size_t max_slices_;
  bool truncated_ = false;
  std::vector<Slice> slices_;
  std::vector<Thread> threads_;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> thread_ids_;
  std::map<std::pair<uint32_t, uint32_t>, std::string> names_; // (trace, tid)
  std::map<std::pair<uint32_t, std::string>, uint32_t> rings_;  // (trace, ring) -> track
  uint64_t last_ts_ = 0;
};

} // namespace fencedep::offline
