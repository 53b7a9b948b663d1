#include "fencedep/core/std_trace.h"

#include <string>
#include <unordered_map>

namespace fencedep {

namespace {

struct StdLine {
  std::string_view thread, op, target, location;
};

bool split_std(std::string_view line, StdLine *out) {
  size_t bar = line.find('|');
  if (bar == std::string_view::npos || bar == 0)
    return false;
  out->thread = trim(line.substr(0, bar));
  std::string_view rest = line.substr(bar + 1);
  size_t bar2 = rest.find('|');
  std::string_view call = trim(rest.substr(0, bar2));
  out->location = bar2 == std::string_view::npos ? std::string_view() : trim(rest.substr(bar2 + 1));
  size_t open = call.find('(');
  if (open == std::string_view::npos || open == 0 || call.back() != ')')
    return false;
  out->op = call.substr(0, open);
  out->target = trim(call.substr(open + 1, call.size() - open - 2));
  return !out->thread.empty() && !out->target.empty() &&
         out->thread.find_first_of(" \t") == std::string_view::npos;
}

class StdReader {
public:
  StdReader(const char *data, size_t size, const ReaderContext &ctx)
      : data_(data), size_(size), ctx_(ctx), names_(*ctx.engine) {}
  ReaderStats run();

private:
  bool handle(const StdLine &l, uint64_t line_no);
  uint32_t thread(std::string_view name) {
    auto it = threads_.find(std::string(name));
    if (it != threads_.end())
      return it->second;
    uint32_t tid = uint32_t(threads_.size() + 1);
    threads_.emplace(std::string(name), tid);
    ctx_.sink->thread_name(ctx_.trace, 0, tid, name);
    return tid;
  }
  uint64_t inst(std::string_view name, uint64_t kind) const {
    uint64_t v = mix64(hash_bytes(name.data(), name.size(), kind) ^ mix64(ctx_.trace));
    return v ? v : 1;
  }
  void emit(ModelEvent &e) {
    ctx_.sink->event(e);
    ++st_.used;
  }

  const char *data_;
  size_t size_;
  const ReaderContext &ctx_;
  ReaderStats st_;
  ClassNamer names_;
  std::unordered_map<std::string, uint32_t> threads_;
  std::unordered_map<uint64_t, uint64_t> requested_; // (tid, lock) -> 1 while a req is open
};

bool StdReader::handle(const StdLine &l, uint64_t line_no) {
  ModelEvent e;
  e.trace = ctx_.trace;
  e.tid = thread(l.thread);
  e.ts_ns = line_no * 1000; // STD has no time: one microsecond per line
  e.pc = text_location(ctx_.trace, line_no);
  std::string_view op = l.op;
  if (op == "acq" || op == "req" || op == "rel") {
    e.cls = names_.get(ClassKind::Mutex, l.target);
    if (e.cls == kNoClass)
      return reader_bad_line(ctx_, st_, line_no, "lock name longer than 512 bytes");
    e.inst = inst(l.target, 1);
    uint64_t key = mix64(e.inst ^ e.tid);
    if (op == "req") {
      e.op = ModelOp::AcquireBegin;
      requested_[key] = 1;
    } else if (op == "acq") {
      e.op = requested_.erase(key) ? ModelOp::AcquireEnd : ModelOp::Acquire;
    } else {
      e.op = ModelOp::Release;
    }
    emit(e);
    return true;
  }
  if (op == "fork") {
    thread(l.target);
    ++st_.used;
    return true;
  }
  if (op == "join") {
    // The child has exited: its exit depends on what it did since its last
    // wait; the joiner then waits for that exit.
    ClassId exit_cls = names_.get(ClassKind::ThreadExit, l.target);
    if (exit_cls == kNoClass)
      return reader_bad_line(ctx_, st_, line_no, "thread name longer than 512 bytes");
    ModelEvent s = e;
    s.tid = thread(l.target);
    s.op = ModelOp::Signal;
    s.cls = exit_cls;
    s.inst = inst(l.target, 2);
    emit(s);
    e.cls = exit_cls;
    e.inst = s.inst;
    e.op = ModelOp::WaitBegin;
    emit(e);
    e.op = ModelOp::WaitEnd;
    e.one_shot = true;
    emit(e);
    return true;
  }
  st_.skip(op);
  return true;
}

ReaderStats StdReader::run() {
  LineCursor cur(data_, size_);
  std::string_view line;
  bool complete;
  while (cur.next(&line, &complete)) {
    uint64_t n = cur.number();
    if ((n - 1) % ReaderStats::kIndexStride == 0) {
      st_.line_index.push_back(cur.offset());
      if (ctx_.progress && (n - 1) % ReaderStats::kProgressStride == 0)
        ctx_.progress(cur.consumed());
    }
    ++st_.lines;
    std::string_view s = trim(line);
    if (s.empty() || s[0] == '#')
      continue;
    StdLine l;
    if (!split_std(s, &l)) {
      if (!complete) {
        st_.partial = true;
        ++st_.bad_lines;
        st_.errors.push_back(ctx_.name + ":" + std::to_string(n) + ": last line cut short");
        break;
      }
      if (!reader_bad_line(ctx_, st_, n, "expected 'THREAD|OP(TARGET)|LOCATION'"))
        return std::move(st_);
      continue;
    }
    ++st_.events;
    if (!handle(l, n))
      return std::move(st_);
  }
  if (ctx_.progress)
    ctx_.progress(size_);
  return std::move(st_);
}

} // namespace

bool is_std_line(std::string_view line) {
  StdLine l;
  return split_std(trim(line), &l);
}

ReaderStats read_std_trace(const char *data, size_t size, const ReaderContext &ctx) {
  StdReader r(data, size, ctx);
  return r.run();
}

} // namespace fencedep
