// One offline analysis: inputs of any format read into one engine (merged by
// the classes' stable keys), the finished graph searched once, the reports
// collected. `fencedep analyze` prints them; `fencedep graph` draws them.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cycle_search.h"
#include "fencedep/core/engine.h"
#include "fencedep/core/engine_feeder.h"
#include "fencedep/core/report_builder.h"
#include "fencedep/core/text_reader.h"
#include "fencedep/core/trace_detect.h"
#include "fencedep/core/trace_replay.h"
#include "mapped_file.h"
#include "progress.h"

namespace fencedep::offline {

struct AnalysisOptions {
  TraceFormat format = TraceFormat::Unknown; // Unknown: detect each input
  bool strict = false;                       // a bad line ends the analysis
  bool report_gated = false;
  bool progress = false;                     // draw progress on stderr
  // Judge cycles by their instances and threads as the runtime does: for
  // native traces only, which carry the instances of every event.
  bool instance_rules = false;
  CycleSearchOptions search;
};

struct InputSummary {
  std::string path;
  TraceFormat format = TraceFormat::Unknown;
  uint64_t bytes = 0;
  uint64_t events = 0;
  bool usable = false;  // something was read from it
  bool partial = false; // cut short, corrupt parts, bad lines, lost events
  bool stopped = false; // --strict stopped on it
  bool unopenable = false; // missing, a directory, unreadable: the command line is wrong
  std::vector<std::string> messages; // "PATH: what" / "PATH:LINE: what"
  std::map<std::string, uint64_t, std::less<>> skipped; // event kinds skipped
  uint64_t bad_lines = 0;
  std::vector<uint64_t> line_index; // text inputs: to quote a line again
};

class Analysis {
public:
  explicit Analysis(const AnalysisOptions &opts);
  ~Analysis();

  bool init(std::string *err);
  // Every event read also goes to `observer` (the timeline).
  void set_observer(ModelSink *observer);
  // Reads one more input; its index is inputs().size() after the call.
  void read(const std::string &path);
  // Searches the merged graph for cycles; once, after all reads.
  void search();

  Engine &engine() { return *engine_; }
  const std::vector<InputSummary> &inputs() const { return inputs_; }
  std::vector<PendingReport> &reports() { return reports_; }
  const std::vector<Cycle> &cycles() const { return cycles_; }
  const CycleSearchStats &search_stats() const { return search_stats_; }
  // Input paths by trace index - 1, for build_report_view.
  std::vector<const char *> trace_names() const;
  // Symbolizes pcs of process `pid`: text locations to the input's file and
  // line (and the event there), native code addresses to module + offset.
  fencedep::Symbolizer &symbolizer(uint32_t pid);

  uint64_t events() const;
  uint64_t bad_lines() const;
  std::map<std::string, uint64_t, std::less<>> skipped() const;
  bool partial() const;
  bool stopped() const;
  bool unopenable() const;
  size_t usable() const;
  double read_seconds() const { return read_seconds_; }

private:
  class LocationSymbolizer;
  class Tee;
  void drain();
  void read_native(InputSummary &in, const MappedFile &f, uint32_t index);
  void read_text(InputSummary &in, MappedFile &f, uint32_t index);
  void read_dat(InputSummary &in, const MappedFile &f, uint32_t index);
  void take_stats(InputSummary &in, ReaderStats &st);
  void name_dat_frames();

  AnalysisOptions opts_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<TraceReplayer> replayer_;
  std::unique_ptr<EngineFeeder> feeder_;
  std::unique_ptr<Tee> tee_;
  std::unique_ptr<LocationSymbolizer> symbolizer_;
  ModelSink *observer_ = nullptr;
  Progress progress_;
  std::vector<InputSummary> inputs_;
  std::vector<std::unique_ptr<MappedFile>> files_;
  std::vector<PendingReport> reports_;
  // trace.dat inputs: event names of the records reports quote, by input.
  std::map<uint32_t, std::unordered_map<uint64_t, std::string>> dat_names_;
  std::vector<Cycle> cycles_;
  CycleSearchStats search_stats_;
  double read_seconds_ = 0;
};

} // namespace fencedep::offline
