// Reports read back from the runtime's JSON lines (the schema written by the
// core's print_report_json), owned here and viewed as a ReportView so that
// the core's one printer prints them.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "fencedep/core/report.h"
#include "fencedep/core/writer.h"

namespace fencedep::cli {

// Owns the strings that views point to. Node-based, so the pointers it hands
// out stay valid as it grows.
class StringPool {
public:
  const char *intern(std::string_view s) { return set_.emplace(s).first->c_str(); }
  const char *intern_or_null(const std::string *s) { return s ? intern(*s) : nullptr; }
  // The outer levels of inline chains (FrameView::inlined_into).
  const FrameView *keep(const FrameView &f) { return &frames_.emplace_back(f); }

private:
  std::unordered_set<std::string> set_;
  std::deque<FrameView> frames_;
};

// One report with its own frame and edge arrays. Symbolization may replace
// stacks (inlined frames add entries), so views are built on demand.
class OwnedReport {
public:
  ReportView fields; // scalars and classes; array pointers are set by view()
  std::vector<EdgeView> chain;
  std::vector<std::vector<FrameView>> chain_stacks; // one per chain entry
  std::vector<HeldView> held;
  std::vector<FrameView> stack;
  // Live hangs: the blocked threads and, per thread, what it holds.
  std::vector<BlockedThreadView> blocked;
  std::vector<std::vector<HeldView>> blocked_held;

  // Valid until the next change to this report.
  ReportView view();
};

// Parses one JSON line. False with *err set ("missing field 'kind'") when
// the line is not a report.
bool parse_report(std::string_view line, StringPool &pool, OwnedReport *out, std::string *err);

// Reads a JSON-lines file of reports; each bad line goes to `on_error` with
// its 1-based line number and the reader goes on. Returns the number of bad
// lines, or -1 when the file cannot be opened.
using LineError = std::function<void(unsigned line, const std::string &what)>;
int read_report_lines(const std::string &path, StringPool &pool, std::vector<OwnedReport> *out,
                      const LineError &on_error);

// Appends everything written to a std::string (JSON output, tests).
class StringWriter final : public Writer {
public:
  void write(const char *data, size_t n) override { s.append(data, n); }
  std::string s;
};

} // namespace fencedep::cli
