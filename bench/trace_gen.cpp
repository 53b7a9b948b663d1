#include "trace_gen.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "fencedep/core/class_registry.h"
#include "fencedep/core/trace_codec.h"

namespace fencedep::bench {

namespace {

// xorshift64*: fast, reproducible from the seed.
struct Rng {
  uint64_t s;
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ull + 1) {}
  uint64_t next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545f4914f6cdd1dull;
  }
  uint32_t below(uint32_t n) { return uint32_t((next() >> 32) * n >> 32); }
};

struct Edge {
  uint32_t outer, inner;
};

// Forward edges (outer < inner: no cycle among them), then back edges that
// reverse a few of them.
std::vector<Edge> make_edges(const TraceShape &s, Rng &rng) {
  std::vector<Edge> edges;
  edges.reserve(s.edges + s.back_edges);
  uint32_t n = s.classes < 2 ? 2 : s.classes;
  for (uint32_t i = 0; i < s.edges; ++i) {
    uint32_t a = rng.below(n), b = rng.below(n - 1);
    if (b >= a)
      ++b;
    edges.push_back(a < b ? Edge{a, b} : Edge{b, a});
  }
  for (uint32_t i = 0; i < s.back_edges && !edges.empty(); ++i) {
    Edge e = edges[rng.below(uint32_t(edges.size()))];
    edges.push_back(Edge{e.inner, e.outer});
  }
  return edges;
}

// Picks the edge of each nesting: mostly from the thread's working set,
// now and then any edge, and rarely one of the back edges, so that most
// runs never see the inversion.
class EdgePicker {
public:
  EdgePicker(const TraceShape &s, size_t nedges, Rng &rng) : s_(s), n_(nedges), rng_(rng) {
    uint32_t threads = s.threads ? s.threads : 1;
    sets_.resize(threads);
    for (auto &set : sets_)
      for (uint32_t i = 0; i < s.working_set; ++i)
        set.push_back(rng.below(s.edges ? s.edges : 1));
  }
  size_t pick(uint32_t thread) {
    if (++count_ % 4096 == 0 && s_.back_edges)
      return n_ - 1 - rng_.below(s_.back_edges);
    uint64_t r = rng_.next();
    if (!sets_[thread].empty() && double(r >> 11) * 0x1.0p-53 < s_.locality)
      return sets_[thread][rng_.below(uint32_t(sets_[thread].size()))];
    return rng_.below(s_.edges ? s_.edges : 1);
  }

private:
  const TraceShape &s_;
  size_t n_;
  Rng &rng_;
  std::vector<std::vector<uint32_t>> sets_;
  uint64_t count_ = 0;
};

class File {
public:
  bool open(const std::string &path, std::string *err) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_)
      *err = path + ": " + std::strerror(errno);
    return f_ != nullptr;
  }
  ~File() {
    if (f_)
      std::fclose(f_);
  }
  void write(const void *p, size_t n) { ok_ &= std::fwrite(p, 1, n, f_) == n; }
  bool close(std::string *err) {
    ok_ &= std::fclose(f_) == 0;
    f_ = nullptr;
    if (!ok_)
      *err = "write failed";
    return ok_;
  }

private:
  FILE *f_ = nullptr;
  bool ok_ = true;
};

void write_chunk(File &f, ChunkType type, uint32_t tid, const uint8_t *p, size_t n,
                 uint32_t count) {
  uint8_t h[kChunkHeaderSize];
  encode_chunk_header(h, ChunkHeader{type, 4242, tid, uint32_t(n), count, trace_checksum(p, n)});
  f.write(h, sizeof h);
  f.write(p, n);
}

} // namespace

bool write_native_trace(const std::string &path, const TraceShape &s, std::string *err) {
  File f;
  if (!f.open(path, err))
    return false;
  Rng rng(s.seed);
  std::vector<Edge> edges = make_edges(s, rng);
  uint8_t fh[kFileHeaderSize];
  encode_file_header(fh, FileHeader{kTraceVersion, 4242, 1'000'000'000});
  f.write(fh, sizeof fh);

  // Classes, keyed by module + offset as the runtime keys lock sites.
  std::vector<uint8_t> buf(1 << 16);
  size_t pos = 0;
  uint32_t count = 0;
  static const char kModule[] = "/usr/lib/libbench.so";
  for (uint32_t c = 0; c < s.classes; ++c) {
    TraceClass tc{};
    tc.id = c + 1;
    tc.offset = 0x1000 + uint64_t(c) * 16;
    tc.key = class_key_for_site(ClassKind::Mutex, kModule, tc.offset);
    tc.kind = ClassKind::Mutex;
    tc.module = kModule;
    tc.module_len = sizeof kModule - 1;
    if (!encode_class(buf.data(), buf.size(), &pos, tc)) {
      write_chunk(f, ChunkType::Classes, 0, buf.data(), pos, count);
      pos = count = 0;
      encode_class(buf.data(), buf.size(), &pos, tc);
    }
    ++count;
  }
  if (count)
    write_chunk(f, ChunkType::Classes, 0, buf.data(), pos, count);

  // Each thread fills a 64 KiB buffer of events and writes it as a chunk,
  // as the runtime does: chunks of many threads interleave.
  struct Thread {
    std::vector<uint8_t> buf = std::vector<uint8_t>(1 << 16);
    size_t pos = 0;
    uint32_t count = 0;
  };
  std::vector<Thread> threads(s.threads ? s.threads : 1);
  auto put = [&](uint32_t t, TraceOp op, uint32_t cls) {
    Thread &th = threads[t];
    TraceEvent e{op, 0, cls + 1, 0x7f0000000000ull + uint64_t(cls) * 64, 0,
                 0x400000 + uint64_t(cls % 4096) * 16};
    if (!encode_event(th.buf.data(), th.buf.size(), &th.pos, e, 40)) {
      write_chunk(f, ChunkType::Events, 1000 + t, th.buf.data(), th.pos, th.count);
      th.pos = th.count = 0;
      encode_event(th.buf.data(), th.buf.size(), &th.pos, e, 40);
    }
    ++th.count;
  };
  EdgePicker picker(s, edges.size(), rng);
  uint64_t nests = s.events / 4;
  for (uint64_t i = 0; i < nests; ++i) {
    uint32_t t = rng.below(uint32_t(threads.size()));
    const Edge &e = edges[picker.pick(t)];
    put(t, TraceOp::Acquire, e.outer);
    put(t, TraceOp::Acquire, e.inner);
    put(t, TraceOp::Release, e.inner);
    put(t, TraceOp::Release, e.outer);
  }
  for (uint32_t t = 0; t < threads.size(); ++t)
    if (threads[t].count)
      write_chunk(f, ChunkType::Events, 1000 + t, threads[t].buf.data(), threads[t].pos,
                  threads[t].count);
  return f.close(err);
}

bool write_kernel_trace(const std::string &path, const TraceShape &s, std::string *err) {
  File f;
  if (!f.open(path, err))
    return false;
  Rng rng(s.seed);
  std::vector<Edge> edges = make_edges(s, rng);
  static const char kHeader[] = "# tracer: nop\n#\n#           TASK-PID     CPU#  |||||  "
                                "TIMESTAMP  FUNCTION\n";
  f.write(kHeader, sizeof kHeader - 1);
  std::vector<char> out;
  out.reserve(1 << 20);
  uint64_t ts_us = 1'000'000;
  char line[256];
  auto emit = [&](uint32_t task, const char *event, uint32_t cls) {
    ++ts_us;
    int n = std::snprintf(line, sizeof line,
                          "     worker-%u     [%03u] ..... %llu.%06llu: %s: %016llx &lock_%u\n",
                          1000 + task, task % 64, static_cast<unsigned long long>(ts_us / 1000000),
                          static_cast<unsigned long long>(ts_us % 1000000), event,
                          static_cast<unsigned long long>(0xffff888100000000ull + uint64_t(cls) * 64),
                          cls);
    out.insert(out.end(), line, line + n);
    if (out.size() > (1 << 20) - 512) {
      f.write(out.data(), out.size());
      out.clear();
    }
  };
  EdgePicker picker(s, edges.size(), rng);
  uint64_t lines = 0;
  while (lines < s.events) {
    uint32_t task = rng.below(s.threads ? s.threads : 1);
    if (rng.below(16) == 0) { // an event the analysis skips
      ++ts_us;
      int n = std::snprintf(line, sizeof line,
                            "     worker-%u     [%03u] d..2. %llu.%06llu: sched_switch: "
                            "prev_comm=worker prev_pid=%u prev_prio=120 prev_state=S ==> "
                            "next_comm=swapper next_pid=0 next_prio=120\n",
                            1000 + task, task % 64, static_cast<unsigned long long>(ts_us / 1000000),
                            static_cast<unsigned long long>(ts_us % 1000000), 1000 + task);
      out.insert(out.end(), line, line + n);
      ++lines;
      continue;
    }
    const Edge &e = edges[picker.pick(task)];
    emit(task, "lock_acquire", e.outer);
    emit(task, "lock_acquire", e.inner);
    emit(task, "lock_release", e.inner);
    emit(task, "lock_release", e.outer);
    lines += 4;
  }
  f.write(out.data(), out.size());
  return f.close(err);
}

} // namespace fencedep::bench
