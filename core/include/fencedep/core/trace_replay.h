// Replays native traces into an Engine: the offline door runs the very model
// the runtime ran. Several traces (and several processes in one trace) merge
// into one class graph through the classes' stable keys.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "fencedep/core/engine.h"
#include "fencedep/core/model_event.h"
#include "fencedep/core/trace_codec.h"

namespace fencedep {

struct ReplayModule {
  uint64_t base, size;
  std::string path;
};

struct ReplayStats {
  uint64_t events = 0;
  uint64_t chunks = 0;
  uint64_t skipped_chunks = 0; // unknown chunk types
  uint64_t bad_records = 0;    // chunks whose records stopped decoding early
  uint64_t bytes_unread = 0;   // after a truncation or corruption
  bool partial = false;
  std::string error;           // first problem, with its byte offset
};

// A trace's class ids to the engine's: the runtime numbers classes densely
// from 1, so a vector serves them; anything above that range (a corrupt or
// foreign trace) goes to a map. A process replayed into a fresh engine
// usually gets its classes in the same order, engine id = trace id + a
// constant: while that holds no table is read at all (the table is as
// large as the class count and each event picks a random entry of it).
class TraceClassMap {
public:
  ClassId get(ClassId id) const {
    if (affine_ && id - affine_from_ < span_)
      return id + delta_;
    if (id < dense_.size())
      return dense_[id];
    auto it = sparse_.find(id);
    return it == sparse_.end() ? kNoClass : it->second;
  }
  void set(ClassId id, ClassId engine_id) {
    if (id < kDenseLimit) {
      if (id >= dense_.size())
        dense_.resize(size_t(id) * 2 + 16 < kDenseLimit ? size_t(id) * 2 + 16 : kDenseLimit,
                      kNoClass);
      dense_[id] = engine_id;
      track_affine(id, engine_id);
      return;
    }
    sparse_[id] = engine_id;
  }

private:
  // Affine while the ids set so far are exactly affine_from_ and the
  // span_ - 1 after it, all with one delta.
  void track_affine(ClassId id, ClassId engine_id) {
    if (!affine_)
      return;
    if (span_ == 0) {
      affine_from_ = id;
      span_ = 1;
      delta_ = engine_id - id;
      return;
    }
    if (id == affine_from_ + span_ && engine_id == id + delta_)
      ++span_;
    else if (!(id - affine_from_ < span_ && engine_id == id + delta_))
      affine_ = false;
  }
  static constexpr size_t kDenseLimit = 1u << 22;
  std::vector<ClassId> dense_;
  std::unordered_map<ClassId, ClassId> sparse_;
  bool affine_ = true;
  ClassId affine_from_ = 0, span_ = 0, delta_ = 0;
};

class TraceReplayer {
public:
  explicit TraceReplayer(Engine &engine) : engine_(engine) {}

  // Replays one trace held in memory. `trace_index` (1-based) is recorded
  // on every new edge so that reports can name the trace of each edge.
  ReplayStats replay(const uint8_t *data, size_t size, uint32_t trace_index);

  // Also hands every replayed event, with its time, to `observer` (the
  // timeline); null turns that off.
  void set_observer(ModelSink *observer) { observer_ = observer; }
  // Called now and then during replay() with the bytes consumed so far.
  void set_progress(std::function<void(uint64_t)> progress) { progress_ = std::move(progress); }

  // Module containing `pc` in process `pid`, for symbolization.
  const ReplayModule *module_for(uint32_t pid, uint64_t pc) const;

private:
  // One process image in one trace: a file header starts a new one (a new
  // process, or the same pid after exec), and threads never carry state
  // from one image or trace into another.
  struct Run {
    uint32_t pid;
    uint64_t image; // unique per (trace, file header)
    TraceClassMap *classes; // trace id -> engine id
  };
  Run run_for(uint32_t pid, const Run &previous);
  void replay_events(Run &run, uint32_t tid, const uint8_t *p, size_t n, size_t chunk_at,
                     uint32_t version, ReplayStats &st);
  void observe(const Run &run, uint32_t tid, uint64_t ts, const TraceEvent &e, ClassId c,
               uint64_t obj, uint64_t salt);
  ThreadState &thread(const Run &run, uint32_t tid);

  Engine &engine_;
  std::map<std::pair<uint64_t, uint32_t>, ThreadState> threads_; // (image, tid)
  std::unordered_map<uint32_t, uint64_t> images_; // pid -> current image, this trace
  std::unordered_map<uint64_t, TraceClassMap> image_classes_;
  uint64_t next_image_ = 1;
  std::unordered_map<uint64_t, int> cookies_;
  std::map<uint32_t, std::vector<ReplayModule>> modules_;
  std::vector<std::string> names_; // keeps class names alive
  ModelSink *observer_ = nullptr;
  std::function<void(uint64_t)> progress_;
  uint32_t trace_index_ = 0;
  std::unordered_map<uint64_t, uint64_t> image_start_; // image -> start time (ns)
};

} // namespace fencedep
