// Kernel trace text, line by line, into the kernel model: the dialects'
// grammar is kernel_line.cpp's, the fields' kernel_fields.cpp's. What is
// wrong with the input is counted and named, never silently dropped: bad
// lines, NUL bytes (a zeroed block, a hole in a copied file), a last line
// without its newline, timestamps going backwards on a CPU, lost events.
#include <cstring>
#include <string>
#include <vector>

#include "fencedep/core/kernel_trace.h"

namespace fencedep {

namespace {

constexpr size_t kMaxNulRuns = 8;        // NUL runs named one by one
constexpr uint64_t kReleaseStride = 8u << 20; // pages dropped behind the cursor, 8 MiB at a time
constexpr uint64_t kNulWindow = 1u << 20;     // NUL bytes looked for this far ahead
constexpr uint64_t kLookahead = 4u << 20;     // a context's names looked for this far ahead
constexpr uint32_t kMaxLookaheads = 256;      // ... for this many contexts per input at most

class TextReader {
public:
  TextReader(const char *data, size_t size, const ReaderContext &ctx)
      : data_(data), size_(size), ctx_(ctx), model_(ctx, st_) {
    model_.set_lookahead([this](uint64_t c, std::string *driver, std::string *timeline) {
      return lookahead(c, driver, timeline);
    });
  }
  ReaderStats run();

private:
  void prescan_job_rings();
  void release(uint64_t upto) {
    if (ctx_.release && upto >= released_ + kReleaseStride) {
      released_ = upto - upto % kReleaseStride;
      ctx_.release(released_);
    }
  }
  // The NUL bytes at or after `from`, counted and named once per run;
  // returns the offset of the next one, or size_.
  uint64_t next_nul(uint64_t from);
  void check_order(const KernelLine &l, uint64_t line_no);
  void describe_damage();
  bool lookahead(uint64_t c, std::string *driver, std::string *timeline);

  const char *data_;
  size_t size_;
  const ReaderContext &ctx_;
  ReaderStats st_;
  KernelModel model_;
  uint64_t released_ = 0;
  uint64_t at_ = 0; // offset of the line being read
  uint32_t lookaheads_ = 0;
  uint64_t nul_scanned_ = 0; // NULs before this are counted
  uint64_t nul_limit_ = 0;   // scan at least this far
  std::vector<uint64_t> cpu_ts_;
};

// Scanned a window at a time, just ahead of the cursor: a scan of the whole
// file up front would bring all of it into memory.
uint64_t TextReader::next_nul(uint64_t from) {
  if (from < nul_scanned_)
    from = nul_scanned_;
  while (from < size_) {
    uint64_t window = size_ - from < kNulWindow ? size_ - from : kNulWindow;
    const void *hit = std::memchr(data_ + from, 0, window);
    if (!hit) {
      from += window;
      nul_scanned_ = from;
      if (from >= nul_limit_)
        return from; // not past the line being read: look again later
      continue;
    }
    uint64_t at = uint64_t(static_cast<const char *>(hit) - data_);
    uint64_t end = at;
    while (end < size_ && data_[end] == 0)
      ++end;
    st_.nul_bytes += end - at;
    if (st_.nul_runs.size() < kMaxNulRuns)
      st_.nul_runs.emplace_back(at, end - at);
    nul_scanned_ = end;
    return at;
  }
  nul_scanned_ = size_;
  return size_;
}

// A context's names, from the next dma_fence events that print them, at
// most kLookahead bytes on, for the first kMaxLookaheads contexts that need
// it: bounded, so that a trace of many contexts never named costs at most a
// GiB of memmem.
bool TextReader::lookahead(uint64_t c, std::string *driver, std::string *timeline) {
  if (lookaheads_ >= kMaxLookaheads)
    return false;
  ++lookaheads_;
  std::string key = " context=" + std::to_string(c) + " seqno=";
  uint64_t end = size_ - at_ < kLookahead ? size_ : at_ + kLookahead;
  const char *p = data_ + at_, *stop = data_ + end;
  for (int tries = 0; tries < 64; ++tries) {
    const char *hit = static_cast<const char *>(memmem(p, size_t(stop - p), key.data(), key.size()));
    if (!hit)
      return false;
    const char *bol = hit;
    while (bol > data_ && bol[-1] != '\n')
      --bol;
    const char *eol = static_cast<const char *>(std::memchr(hit, '\n', size_t(stop - hit)));
    if (!eol)
      return false;
    p = eol;
    KernelLine l;
    const char *err;
    uint64_t lost;
    KernelEvent k;
    if (parse_kernel_line(std::string_view(bol, size_t(eol - bol)), &l, &err, &lost) !=
            KernelLineKind::Event ||
        !decode_kernel_fields(kernel_event_id(l.event), l.fields, &k, &err) || k.ctx != c ||
        k.driver.empty() || k.driver == "detached-driver" || k.timeline == "signaled-timeline")
      continue;
    driver->assign(k.driver);
    timeline->assign(k.timeline);
    return true;
  }
  return false;
}

// Each CPU's events come in time order; a step back means the input was
// shuffled, or merged from pieces in the wrong order.
void TextReader::check_order(const KernelLine &l, uint64_t line_no) {
  if (l.cpu >= cpu_ts_.size()) {
    if (l.cpu > 4096)
      return;
    cpu_ts_.resize(l.cpu + 1, 0);
  }
  if (l.ts_ns < cpu_ts_[l.cpu]) {
    if (st_.backwards++ == 0)
      st_.first_backwards = line_no;
    return;
  }
  cpu_ts_[l.cpu] = l.ts_ns;
}

// From 6.17 a job's dependencies are added before the job is queued, the
// event that names its ring: learn every job's ring first, so that an await
// names both fences' classes whatever the order.
void TextReader::prescan_job_rings() {
  static const char kAddDep[] = "drm_sched_job_add_dep";
  static const char kQueue[] = "drm_sched_job_queue";
  // Looked for in the first 64 MiB only: a trace of 6.17's scheduler has
  // both events early, and a large trace without them is not read twice.
  size_t window = size_ < (64u << 20) ? size_ : (64u << 20);
  if (!memmem(data_, window, kAddDep, sizeof kAddDep - 1))
    return;
  const char *p = data_, *end = data_ + size_;
  while (const char *hit = static_cast<const char *>(
             memmem(p, size_t(end - p), kQueue, sizeof kQueue - 1))) {
    const char *bol = hit;
    while (bol > data_ && bol[-1] != '\n')
      --bol;
    const char *eol = static_cast<const char *>(std::memchr(hit, '\n', size_t(end - hit)));
    if (!eol)
      eol = end;
    p = eol;
    release(uint64_t(bol - data_));
    KernelLine l;
    const char *err;
    uint64_t lost;
    if (parse_kernel_line(std::string_view(bol, size_t(eol - bol)), &l, &err, &lost) !=
            KernelLineKind::Event ||
        l.event != kQueue)
      continue;
    KernelEvent k;
    if (decode_kernel_fields(KernelEv::SchedJobQueue, l.fields, &k, &err))
      model_.learn_ring(k.ctx, k.name);
  }
  released_ = 0;
}

ReaderStats TextReader::run() {
  prescan_job_rings();
  LineCursor cur(data_, size_);
  std::string_view line;
  bool complete;
  KernelLine l;
  uint64_t nul = 0; // the next NUL byte, once nul_scanned_ passes it
  bool flags_seen = false;
  while (cur.next(&line, &complete)) {
    uint64_t n = cur.number();
    if ((n - 1) % ReaderStats::kIndexStride == 0) {
      st_.line_index.push_back(cur.offset());
      if ((n - 1) % ReaderStats::kProgressStride == 0) {
        release(cur.offset());
        if (ctx_.progress)
          ctx_.progress(cur.consumed());
      }
    }
    ++st_.lines;
    at_ = cur.offset();
    uint64_t line_end = cur.offset() + line.size();
    if (nul >= nul_scanned_ && nul_scanned_ < line_end + 1 && nul_scanned_ < size_) {
      nul_limit_ = line_end + 1;
      nul = next_nul(nul_scanned_);
    }
    if (nul < line_end) {
      // Damaged: what the line said is lost, and with it whatever each task
      // took or released there.
      ++st_.nul_lines;
      st_.partial = true;
      while (nul < line_end) {
        nul_limit_ = line_end + 1;
        nul = next_nul(nul + 1);
      }
      model_.forget_tasks(l.ts_ns);
      continue;
    }
    if (!complete) {
      // A write cut short: the line may parse and still be wrong (a lock
      // name cut in two), so it is not used.
      st_.cut_line = true;
      st_.partial = true;
      st_.errors.push_back(ctx_.name + ":" + std::to_string(n) +
                           ": last line has no newline: cut short, not read");
      break;
    }
    const char *err = nullptr;
    uint64_t lost = 0;
    switch (parse_kernel_line(line, &l, &err, &lost)) {
    case KernelLineKind::Ignored:
      continue;
    case KernelLineKind::Lost:
      st_.lost_events += lost;
      ++st_.lost_marks;
      st_.partial = true;
      model_.forget_tasks(l.ts_ns);
      continue;
    case KernelLineKind::Bad:
      if (!reader_bad_line(ctx_, st_, n, err))
        return std::move(st_);
      continue;
    case KernelLineKind::Event:
      break;
    }
    ++st_.events;
    check_order(l, n);
    st_.raw_ts |= l.raw_ts;
    flags_seen |= l.irq != IrqContext::Unknown;
    KernelEvent k;
    k.ev = kernel_event_id(l.event);
    if (k.ev == KernelEv::Unknown) {
      st_.skip(l.event);
      continue;
    }
    if (!decode_kernel_fields(k.ev, l.fields, &k, &err)) {
      if (!reader_bad_line(ctx_, st_, n, err))
        return std::move(st_);
      continue;
    }
    k.task = l.task;
    k.pid = l.pid;
    k.tgid = l.tgid;
    k.cpu = l.cpu;
    k.irq = l.irq;
    k.ts_ns = l.ts_ns;
    k.location = text_location(ctx_.trace, n);
    if (!model_.event(k))
      return std::move(st_);
  }
  model_.finish();
  st_.irq_unknown = st_.used && !flags_seen;
  describe_damage();
  if (ctx_.progress)
    ctx_.progress(size_);
  return std::move(st_);
}

void TextReader::describe_damage() {
  const std::string &name = ctx_.name;
  if (st_.nul_bytes) {
    std::string runs;
    for (const auto &[at, len] : st_.nul_runs)
      runs += (runs.empty() ? "" : ", ") + std::to_string(len) + " at byte " + std::to_string(at);
    uint64_t listed = 0;
    for (const auto &run : st_.nul_runs)
      listed += run.second;
    if (listed < st_.nul_bytes)
      runs += ", ...";
    st_.errors.push_back(name + ": " + std::to_string(st_.nul_bytes) + " NUL bytes (" + runs +
                         "): a zeroed block or a hole; " + std::to_string(st_.nul_lines) +
                         (st_.nul_lines == 1 ? " line" : " lines") +
                         " damaged and not read, what each task held there is forgotten");
  }
  if (st_.backwards) {
    st_.partial = true;
    st_.errors.push_back(name + ":" + std::to_string(st_.first_backwards) + ": " +
                         std::to_string(st_.backwards) +
                         (st_.backwards == 1 ? " event is" : " events are") +
                         " older than the event before on the same CPU (first here): the "
                         "input is out of order, its lock and fence order cannot be trusted");
  }
  if (st_.raw_ts)
    st_.notes.push_back(name + ": raw timestamps (trace-cmd report --raw-ts): read as clock "
                               "ticks, so the timeline's times are not nanoseconds");
  if (st_.irq_unknown)
    st_.notes.push_back(name + ": no flag column, so interrupt context is unknown: an interrupt "
                               "handler's events count as the task it interrupted (read the "
                               "trace.dat itself, or `trace-cmd report -l`, to tell them apart)");
}

} // namespace

ReaderStats read_kernel_trace(const char *data, size_t size, const ReaderContext &ctx) {
  TextReader r(data, size, ctx);
  return r.run();
}

} // namespace fencedep
