// offline_bench: throughput of `fencedep analyze` on generated traces.
//
// For each format (native, kernel text) and each of two sizes it writes a
// trace, times `cat FILE > /dev/null` on it (the plain cost of reading the
// bytes, in the same run and page-cache state), then times reading the
// trace into the engine (decode + graph build) and the cycle search over
// the finished graph, through the same Analysis the CLI uses. It prints
// events/s per core (from the process' CPU time, so that other load on the
// machine does not count), wall time too, the ratio to cat, and how the
// cost per event changes from the small size to the large one (1.0: linear
// growth).
//
//   offline_bench [--native N1,N2] [--kernel L1,L2] [--classes C] [--edges E]
//                 [--threads T] [--locality P] [--dir DIR] [--keep]
//
// Defaults are the targets' sizes: 5 M and 50 M native events over 1e5
// classes and 1e6 edges; 1 M and 10 M kernel lines over lockdep's limits
// (8192 classes, 32768 edges). --classes / --edges set both. CI runs tiny
// sizes only.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

#include "analysis.h"
#include "trace_gen.h"

namespace {

using Clock = std::chrono::steady_clock;
using fencedep::bench::TraceShape;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// CPU time of this (single-threaded) process: the per-core cost, whatever
// else the machine runs.
double cpu_now() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::vector<uint64_t> parse_sizes(const char *s) {
  std::vector<uint64_t> v;
  for (const char *p = s; *p;) {
    char *end;
    double x = std::strtod(p, &end);
    if (end == p)
      break;
    if (*end == 'M' || *end == 'm')
      x *= 1e6, ++end;
    else if (*end == 'k' || *end == 'K')
      x *= 1e3, ++end;
    v.push_back(uint64_t(x));
    p = *end == ',' ? end + 1 : end;
  }
  return v;
}

struct Result {
  uint64_t events = 0;
  uint64_t bytes = 0;
  double cat = 0, read = 0, search = 0; // CPU seconds (cat: wall)
  double read_wall = 0, search_wall = 0;
  uint32_t edges = 0, classes = 0;
  size_t reports = 0;
};

bool measure(const std::string &path, Result *r) {
  std::string cmd = "cat '" + path + "' > /dev/null";
  auto t0 = Clock::now();
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "offline_bench: %s failed\n", cmd.c_str());
    return false;
  }
  r->cat = since(t0);

  fencedep::offline::AnalysisOptions o;
  fencedep::offline::Analysis a(o);
  std::string err;
  if (!a.init(&err)) {
    std::fprintf(stderr, "offline_bench: %s\n", err.c_str());
    return false;
  }
  t0 = Clock::now();
  double c0 = cpu_now();
  a.read(path);
  r->read = cpu_now() - c0;
  r->read_wall = since(t0);
  for (const std::string &m : a.inputs().back().messages)
    std::fprintf(stderr, "offline_bench: %s\n", m.c_str());
  t0 = Clock::now();
  c0 = cpu_now();
  a.search();
  r->search = cpu_now() - c0;
  r->search_wall = since(t0);
  r->events = a.events();
  r->bytes = a.inputs().back().bytes;
  r->edges = a.engine().graph().size();
  r->classes = a.engine().classes().size() - 3;
  r->reports = a.reports().size();
  return true;
}

// A fixed workload measured before and after the traces: arithmetic,
// branches and random reads of a 64 MiB table, as the analysis mixes them.
// The machines are shared and their speed drifts by tens of percent within
// minutes; this says how fast the machine was during the run, so figures of
// different runs can be compared.
double reference_ns_per_step() {
  constexpr size_t kWords = size_t(8) << 20; // 64 MiB
  constexpr uint64_t kSteps = 20'000'000;
  std::vector<uint64_t> table(kWords);
  for (size_t i = 0; i < kWords; ++i)
    table[i] = i * 0x9e3779b97f4a7c15ull;
  uint64_t s = 88172645463325252ull, acc = 0;
  double c0 = cpu_now();
  for (uint64_t i = 0; i < kSteps; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    uint64_t v = (i & 7) == 0 ? table[s & (kWords - 1)] : table[(acc + i) & 1023];
    acc += (v & 1) ? v >> 3 : v * 3;
  }
  double t = cpu_now() - c0;
  if (acc == 42) // keeps the loop
    std::printf(" ");
  return t / double(kSteps) * 1e9;
}

void print_row(const char *format, const Result &r) {
  std::printf("%-7s %12llu %9.1f %8.3f %9.3f %9.3f %8.2f %7.1fx %8.3f %9u %8u %7zu\n", format,
              static_cast<unsigned long long>(r.events), double(r.bytes) / (1 << 20), r.cat,
              r.read, r.read_wall, double(r.events) / r.read / 1e6,
              r.read / (r.cat > 0 ? r.cat : 1e-9), r.search, r.edges, r.classes, r.reports);
}

} // namespace

int main(int argc, char **argv) {
  std::vector<uint64_t> native = {5'000'000, 50'000'000};
  std::vector<uint64_t> kernel = {1'000'000, 10'000'000};
  TraceShape shape;
  // A kernel trace has lockdep's classes: lockdep itself stops at 8192
  // classes and 32768 dependencies (MAX_LOCKDEP_KEYS, MAX_LOCKDEP_ENTRIES).
  TraceShape kshape;
  kshape.classes = 8192;
  kshape.edges = 32768;
  std::string dir = "/tmp";
  bool keep = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : "";
    if (a == "--native")
      native = parse_sizes(v), ++i;
    else if (a == "--kernel")
      kernel = parse_sizes(v), ++i;
    else if (a == "--classes")
      shape.classes = kshape.classes = uint32_t(parse_sizes(v).at(0)), ++i;
    else if (a == "--edges")
      shape.edges = kshape.edges = uint32_t(parse_sizes(v).at(0)), ++i;
    else if (a == "--threads")
      shape.threads = kshape.threads = uint32_t(parse_sizes(v).at(0)), ++i;
    else if (a == "--locality")
      shape.locality = kshape.locality = std::strtod(v, nullptr), ++i;
    else if (a == "--dir")
      dir = v, ++i;
    else if (a == "--keep")
      keep = true;
    else {
      std::fprintf(stderr,
                   "usage: offline_bench [--native N1,N2] [--kernel L1,L2] [--classes C] "
                   "[--edges E] [--threads T] [--locality P] [--dir DIR] [--keep]\n");
      return 2;
    }
  }
  std::printf("offline_bench: native %u classes, %u edges; kernel %u classes, %u edges; "
              "+%u back edges, %u threads, %.0f%% of nestings from a per-thread working set "
              "of %u edges\n\n",
              shape.classes, shape.edges, kshape.classes, kshape.edges, shape.back_edges,
              shape.threads, shape.locality * 100, shape.working_set);
  std::printf("%-7s %12s %9s %8s %9s %9s %8s %8s %8s %9s %8s %7s\n", "format", "events", "MiB",
              "cat s", "read cpu", "read wall", "Mev/s", "vs cat", "search s", "edges", "classes",
              "reports");
  double ref_before = reference_ns_per_step();
  int status = 0;
  for (int kind = 0; kind < 2; ++kind) {
    const std::vector<uint64_t> &sizes = kind == 0 ? native : kernel;
    const char *name = kind == 0 ? "native" : "kernel";
    std::vector<Result> results;
    for (uint64_t n : sizes) {
      TraceShape s = kind == 0 ? shape : kshape;
      s.events = n;
      std::string path = dir + "/fencedep-bench-" + std::to_string(getpid()) + "-" +
                         std::to_string(n) + (kind == 0 ? ".trace" : ".ftrace");
      std::string err;
      bool ok = kind == 0 ? fencedep::bench::write_native_trace(path, s, &err)
                          : fencedep::bench::write_kernel_trace(path, s, &err);
      Result r;
      if (!ok || !measure(path, &r)) {
        std::fprintf(stderr, "offline_bench: %s: %s\n", path.c_str(), err.c_str());
        status = 1;
      } else {
        print_row(name, r);
        results.push_back(r);
      }
      if (!keep)
        unlink(path.c_str());
    }
    if (results.size() == 2 && results[0].events && results[1].events) {
      const Result &a = results[0], &b = results[1];
      double size = double(b.events) / double(a.events);
      std::printf("%-7s growth: %.1fx events -> read %.2fx time (per-event cost %.2fx), "
                  "search %.3f s -> %.3f s\n",
                  name, size, b.read / a.read, (b.read / a.read) / size, a.search, b.search);
    }
  }
  std::printf("\nmachine reference (fixed arithmetic + random 64 MiB reads, lower is faster): "
              "%.2f ns/step before, %.2f ns/step after\n",
              ref_before, reference_ns_per_step());
  std::printf("targets: native >= 20 Mev/s per core; kernel text >= 3 M lines/s; "
              "cycle search on 1e6 edges < 1 s; per-event cost flat as size grows\n");
  return status;
}
