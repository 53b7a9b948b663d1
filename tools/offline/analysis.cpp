#include "analysis.h"

#include <algorithm>
#include <chrono>
#include <set>

#include "fencedep/core/kernel_trace.h"
#include "fencedep/core/std_trace.h"
#include "trace_dat.h"

namespace fencedep::offline {

// Both the engine (through the feeder) and an observer see each event.
class Analysis::Tee final : public ModelSink {
public:
  Tee(ModelSink &a, ModelSink *b) : a_(a), b_(b) {}
  void event(const ModelEvent &e) override {
    a_.event(e);
    if (b_)
      b_->event(e);
  }
  void thread_name(uint32_t trace, uint32_t pid, uint32_t tid, std::string_view name) override {
    if (b_)
      b_->thread_name(trace, pid, tid, name);
  }
  void set_observer(ModelSink *b) { b_ = b; }

private:
  ModelSink &a_;
  ModelSink *b_;
};

class Analysis::LocationSymbolizer final : public fencedep::Symbolizer {
public:
  explicit LocationSymbolizer(Analysis &a) : a_(a) {}
  uint32_t pid = 0;

  void symbolize(uint64_t pc, bool, FrameView *out) override {
    out->pc = pc;
    if (!is_text_location(pc)) {
      if (const ReplayModule *m = a_.replayer_->module_for(pid, pc)) {
        out->module = intern(m->path);
        out->offset = pc - m->base;
      }
      return;
    }
    uint32_t trace = text_location_trace(pc);
    uint64_t line = text_location_line(pc);
    if (trace == 0 || trace > a_.inputs_.size())
      return;
    const InputSummary &in = a_.inputs_[trace - 1];
    const MappedFile &f = *a_.files_[trace - 1];
    out->file = intern(in.path);
    out->line = uint32_t(line);
    if (in.format == TraceFormat::TraceDat) {
      // The N-th record: its event's name, when a report asked for it.
      auto names = a_.dat_names_.find(trace);
      if (names != a_.dat_names_.end()) {
        auto it = names->second.find(line);
        if (it != names->second.end())
          out->function = intern(it->second);
      }
      return;
    }
    std::string_view text = find_line(f.data(), f.size(), in.line_index, line);
    // The event the line holds stands where a function would.
    if (in.format == TraceFormat::Std) {
      size_t bar = text.find('|');
      out->function = intern(trim(bar == std::string_view::npos ? text : text.substr(bar + 1)));
      return;
    }
    KernelLine kl;
    const char *err;
    uint64_t lost;
    if (parse_kernel_line(text, &kl, &err, &lost) == KernelLineKind::Event)
      out->function = intern(kl.event);
  }

private:
  const char *intern(std::string_view s) { return strings_.emplace(s).first->c_str(); }
  Analysis &a_;
  std::unordered_set<std::string> strings_;
};

Analysis::Analysis(const AnalysisOptions &opts) : opts_(opts), progress_(opts.progress) {}
Analysis::~Analysis() = default;

bool Analysis::init(std::string *err) {
  raw_memory_prefer_huge_pages(true);
  engine_ = std::make_unique<Engine>();
  EngineOptions eo;
  eo.report_gated = opts_.report_gated;
  eo.defer_cycle_search = true;
  eo.shared_edge_cache_bits = 16; // 512 KiB: stays in a core's L2
  // Kernel traces name locks by lockdep class and fences by timeline:
  // their cycles are judged by class, as lockdep does.
  eo.instance_rules = opts_.instance_rules;
  if (!engine_->init(eo)) {
    *err = "cannot reserve memory for the analysis tables";
    return false;
  }
  replayer_ = std::make_unique<TraceReplayer>(*engine_);
  feeder_ = std::make_unique<EngineFeeder>(*engine_);
  tee_ = std::make_unique<Tee>(*feeder_, nullptr);
  symbolizer_ = std::make_unique<LocationSymbolizer>(*this);
  return true;
}

void Analysis::set_observer(ModelSink *observer) {
  observer_ = observer;
  tee_->set_observer(observer);
  replayer_->set_observer(observer);
}

fencedep::Symbolizer &Analysis::symbolizer(uint32_t pid) {
  symbolizer_->pid = pid;
  return *symbolizer_;
}

std::vector<const char *> Analysis::trace_names() const {
  std::vector<const char *> names;
  for (const InputSummary &in : inputs_)
    names.push_back(in.path.c_str());
  return names;
}

// The engine holds a bounded queue of reports: take them as they come.
void Analysis::drain() {
  PendingReport p;
  while (engine_->pop_report(&p))
    reports_.push_back(p);
}

void Analysis::read(const std::string &path) {
  auto t0 = std::chrono::steady_clock::now();
  inputs_.emplace_back();
  InputSummary &in = inputs_.back();
  in.path = path;
  files_.push_back(std::make_unique<MappedFile>());
  MappedFile &f = *files_.back();
  uint32_t index = uint32_t(inputs_.size());
  std::string err;
  if (!f.open(path, &err)) {
    in.messages.push_back(path + ": " + err);
    in.partial = true;
    in.unopenable = true;
    return;
  }
  if (f.compression())
    in.messages.push_back(path + ": " + f.compression() +
                          "-compressed: read through a decompressed temporary copy");
  in.bytes = f.size();
  if (f.size() == 0) {
    in.messages.push_back(path + ": empty file");
    return;
  }
  in.format = opts_.format != TraceFormat::Unknown ? opts_.format
                                                   : detect_trace_format(f.data(), f.size());
  progress_.begin(path, f.size());
  if (in.format == TraceFormat::Native || in.format == TraceFormat::Unknown)
    read_native(in, f, index);
  else if (in.format == TraceFormat::TraceDat)
    read_dat(in, f, index);
  else
    read_text(in, f, index);
  progress_.finish();
  drain();
  read_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Analysis::read_native(InputSummary &in, const MappedFile &f, uint32_t index) {
  replayer_->set_progress([this](uint64_t done) {
    progress_.update(done);
    drain();
  });
  ReplayStats st = replayer_->replay(reinterpret_cast<const uint8_t *>(f.data()), f.size(), index);
  in.events = st.events;
  in.usable = st.chunks || !st.partial;
  std::string hint;
  if (in.format == TraceFormat::Unknown && !in.usable)
    hint = " (nor is it a trace.dat, gzip, xz or zstd file, nor does any line read as kernel "
           "trace text or STD; see --format)";
  if (st.partial) {
    in.partial = true;
    in.messages.push_back(in.path + ": " + st.error + "; analysis is partial (" +
                          std::to_string(st.bytes_unread) + " of " + std::to_string(f.size()) +
                          " bytes not read)" + hint);
  } else if (!st.error.empty()) {
    in.partial = true;
    in.messages.push_back(in.path + ": " + st.error + "; " + std::to_string(st.bad_records) +
                          (st.bad_records == 1 ? " chunk" : " chunks") + " affected");
  }
  if (in.format == TraceFormat::Unknown && in.usable)
    in.format = TraceFormat::Native;
}

void Analysis::read_text(InputSummary &in, MappedFile &f, uint32_t index) {
  feeder_->begin_trace(index, /*signal_window=*/!is_kernel_format(in.format));
  ReaderContext ctx;
  ctx.trace = index;
  ctx.name = in.path;
  ctx.engine = engine_.get();
  ctx.sink = tee_.get();
  ctx.strict = opts_.strict;
  ctx.progress = [this](uint64_t done) {
    progress_.update(done);
    drain();
  };
  ctx.release = [&f](uint64_t offset) { f.release(offset); };
  ReaderStats st = in.format == TraceFormat::Std ? read_std_trace(f.data(), f.size(), ctx)
                                                 : read_kernel_trace(f.data(), f.size(), ctx);
  f.release(f.size());
  take_stats(in, st);
}

void Analysis::read_dat(InputSummary &in, const MappedFile &f, uint32_t index) {
  feeder_->begin_trace(index, /*signal_window=*/false);
  ReaderContext ctx;
  ctx.trace = index;
  ctx.name = in.path;
  ctx.engine = engine_.get();
  ctx.sink = tee_.get();
  ctx.strict = opts_.strict;
  ctx.progress = [this](uint64_t done) {
    progress_.update(done);
    drain();
  };
  ReaderStats st;
  std::string err;
  if (!read_trace_dat(f.content_path(), ctx, &st, &err)) {
    in.messages.push_back(in.path + ": " + err);
    in.partial = true;
    return;
  }
  take_stats(in, st);
}

void Analysis::take_stats(InputSummary &in, ReaderStats &st) {
  in.events = st.events;
  in.bad_lines = st.bad_lines;
  in.skipped = std::move(st.skipped);
  in.line_index = std::move(st.line_index);
  in.usable = st.events > 0 || st.bad_lines == 0;
  in.stopped = st.stopped;
  in.partial = st.partial || st.bad_lines > 0;
  for (std::string &m : st.errors)
    in.messages.push_back(std::move(m));
  uint64_t listed = std::min<uint64_t>(st.bad_lines, ReaderStats::kMaxErrors);
  if (st.bad_lines > listed)
    in.messages.push_back(in.path + ": " + std::to_string(st.bad_lines - listed) +
                          " more bad lines");
  if (st.lost_events || st.lost_marks)
    in.messages.push_back(in.path + ": the kernel lost " +
                          (st.lost_events ? std::to_string(st.lost_events) : "some") +
                          " events; analysis is partial: what each task held then is forgotten "
                          "(larger buffers avoid it: fencedep record --print)");
  if (st.stopped)
    in.messages.push_back(in.path + ": stopped at the first bad line (--strict)");
  if (!in.usable)
    in.messages.push_back(in.path + ": no line reads as " +
                          std::string(in.format == TraceFormat::Std ? "STD" : "kernel trace text"));
  for (std::string &m : st.notes)
    in.messages.push_back(std::move(m));
}

void Analysis::search() {
  CycleSearchOptions o = opts_.search;
  o.after_queue = [this] { drain(); };
  search_stats_ = search_cycles(*engine_, o, &cycles_);
  drain();
  name_dat_frames();
}

// trace.dat frames are record ordinals, with no text to quote: the records
// the reports name are looked up in one more pass over each such input.
void Analysis::name_dat_frames() {
  std::map<uint32_t, std::set<uint64_t>> wanted;
  auto want = [&](uint64_t pc) {
    if (!is_text_location(pc))
      return;
    uint32_t t = text_location_trace(pc);
    if (t && t <= inputs_.size() && inputs_[t - 1].format == TraceFormat::TraceDat)
      wanted[t].insert(text_location_line(pc));
  };
  auto want_stack = [&](StackId id) {
    if (id == kNoStack)
      return;
    StackView v = engine_->stacks().get(id);
    for (uint32_t i = 0; i < v.size; ++i)
      want(v.pcs[i]);
  };
  for (const PendingReport &p : reports_) {
    want_stack(p.stack);
    for (uint32_t i = 0; i < p.inst_len; ++i)
      want_stack(p.inst_stack[i]);
    for (uint32_t i = 0; i < p.cycle.size; ++i)
      want_stack(engine_->graph().edge(p.cycle.edges[i]).stack);
    for (uint32_t i = 0; i < p.nheld && i < kReportHeld; ++i)
      want(p.held[i].pc);
  }
  for (const auto &[t, ordinals] : wanted)
    name_trace_dat_records(files_[t - 1]->content_path(), ordinals, &dat_names_[t]);
}

uint64_t Analysis::events() const {
  uint64_t n = 0;
  for (const InputSummary &in : inputs_)
    n += in.events;
  return n;
}

uint64_t Analysis::bad_lines() const {
  uint64_t n = 0;
  for (const InputSummary &in : inputs_)
    n += in.bad_lines;
  return n;
}

std::map<std::string, uint64_t, std::less<>> Analysis::skipped() const {
  std::map<std::string, uint64_t, std::less<>> all;
  for (const InputSummary &in : inputs_)
    for (const auto &[k, v] : in.skipped)
      all[k] += v;
  return all;
}

bool Analysis::partial() const {
  for (const InputSummary &in : inputs_)
    if (in.partial)
      return true;
  return false;
}

bool Analysis::stopped() const {
  for (const InputSummary &in : inputs_)
    if (in.stopped)
      return true;
  return false;
}

bool Analysis::unopenable() const {
  for (const InputSummary &in : inputs_)
    if (in.unopenable)
      return true;
  return false;
}

size_t Analysis::usable() const {
  size_t n = 0;
  for (const InputSummary &in : inputs_)
    n += in.usable;
  return n;
}

} // namespace fencedep::offline
