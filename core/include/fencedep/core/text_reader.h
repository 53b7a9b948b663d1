// What the line-oriented trace readers (kernel trace text, RAPID STD) share:
// the context they read into, their statistics and errors, a line cursor
// over an in-memory file, number parsing, and class naming by string.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fencedep/core/engine.h"
#include "fencedep/core/model_event.h"

namespace fencedep {

// Called now and then with the number of bytes consumed so far.
using ProgressFn = std::function<void(uint64_t bytes_done)>;
// Bytes before `offset` will not be read again while reading: a mapped
// input may drop their pages, so that memory stays flat on large traces.
using ReleaseFn = std::function<void(uint64_t offset)>;

struct ReaderContext {
  uint32_t trace = 1;          // 1-based input index (edges and locations name it)
  std::string name;            // the input's path, for messages
  Engine *engine = nullptr;    // classes are created in its registry
  ModelSink *sink = nullptr;   // receives the events
  bool strict = false;         // the first bad line ends the input
  ProgressFn progress;
  ReleaseFn release;
};

struct ReaderStats {
  static constexpr size_t kMaxErrors = 20;
  // Every kIndexStride-th line's offset is kept, so that reports can quote
  // the line of an edge by scanning at most that many lines.
  static constexpr uint64_t kIndexStride = 1u << 10;
  static constexpr uint64_t kProgressStride = 1u << 16; // lines between progress calls

  uint64_t lines = 0;
  uint64_t events = 0;         // event lines understood
  uint64_t used = 0;           // ... that fed the model
  uint64_t bad_lines = 0;
  uint64_t lost_events = 0;    // the kernel's "[LOST n EVENTS]"
  uint64_t lost_marks = 0;     // ... how many times events were lost
  uint64_t nul_bytes = 0;      // NUL bytes (a zeroed block, a hole)
  uint64_t nul_lines = 0;      // ... lines they damaged, not read
  std::vector<std::pair<uint64_t, uint64_t>> nul_runs; // the first few: offset, length
  uint64_t backwards = 0;      // events older than the one before on their CPU
  uint64_t first_backwards = 0; // ... the first one's line (or record)
  bool cut_line = false;       // the last line had no newline: not used
  bool irq_unknown = false;    // no flag column: interrupt context unknown
  bool raw_ts = false;         // timestamps are the trace clock's raw values
  std::vector<std::string> notes; // informational, "FILE: what"
  std::map<std::string, uint64_t, std::less<>> skipped; // by event kind
  std::vector<std::string> errors; // the first kMaxErrors, "FILE:LINE: what"
  bool partial = false;        // cut short, damaged, events lost, or stopped by strict
  bool stopped = false;        // strict mode stopped at a bad line
  // Byte offset of line 1 + k * kIndexStride: finds a line's text again.
  std::vector<uint64_t> line_index;

  void skip(std::string_view kind) {
    auto it = skipped.find(kind);
    if (it == skipped.end())
      it = skipped.emplace(std::string(kind), 0).first;
    ++it->second;
  }
  uint64_t skipped_total() const {
    uint64_t n = 0;
    for (const auto &[k, v] : skipped)
      n += v;
    return n;
  }
};

// Records a bad line; returns false when reading must stop (strict).
bool reader_bad_line(const ReaderContext &ctx, ReaderStats &st, uint64_t line,
                     std::string_view what);

// Lines of an in-memory text, '\n' or "\r\n" terminated.
class LineCursor {
public:
  LineCursor(const char *data, size_t size) : p_(data), begin_(data), end_(data + size) {}
  // False at the end. `*complete` is false for a last line with no newline.
  bool next(std::string_view *line, bool *complete) {
    if (p_ >= end_)
      return false;
    const char *nl = static_cast<const char *>(std::memchr(p_, '\n', size_t(end_ - p_)));
    const char *stop = nl ? nl : end_;
    size_t n = size_t(stop - p_);
    if (n && stop[-1] == '\r')
      --n;
    *line = std::string_view(p_, n);
    *complete = nl != nullptr;
    line_at_ = size_t(p_ - begin_);
    p_ = nl ? nl + 1 : end_;
    ++number_;
    return true;
  }
  uint64_t number() const { return number_; }   // of the line just returned
  uint64_t offset() const { return line_at_; }   // of the line just returned
  uint64_t consumed() const { return uint64_t(p_ - begin_); }

private:
  const char *p_;
  const char *begin_;
  const char *end_;
  uint64_t number_ = 0;
  size_t line_at_ = 0;
};

// Finds line `number` (1-based) of a text read with the given index.
std::string_view find_line(const char *data, size_t size, const std::vector<uint64_t> &index,
                           uint64_t number);

// --- parsing helpers ----------------------------------------------------------

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}
// Whole of `s` as a decimal number (no sign); false on anything else or overflow.
bool parse_dec(std::string_view s, uint64_t *out);
// Hex with or without "0x"; false on anything else or overflow.
bool parse_hex(std::string_view s, uint64_t *out);

// Classes named by strings, cached so that a known name costs one lookup.
class ClassNamer {
public:
  static constexpr size_t kMaxName = 512;
  explicit ClassNamer(Engine &engine) : engine_(engine) {}
  // kNoClass when the name is empty or longer than kMaxName.
  ClassId get(ClassKind kind, std::string_view name, uint32_t flags = 0);

private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  Engine &engine_;
  std::unordered_map<std::string, ClassId, Hash, std::equal_to<>> cache_[size_t(ClassKind::Count_)];
};

} // namespace fencedep
