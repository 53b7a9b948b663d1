// Synthetic traces for the offline benchmark: a native trace (many threads,
// chunked as the runtime writes them) or a tracefs-style kernel text trace,
// both nesting lock pairs drawn from a fixed set of class edges (a DAG by
// class number) plus a few back edges that close cycles. Sizes are
// arguments, so CI can run tiny ones.
#pragma once
#include <cstdint>
#include <string>

namespace fencedep::bench {

struct TraceShape {
  uint64_t events = 50'000'000; // native: events; kernel: lines
  uint32_t classes = 100'000;
  uint32_t edges = 1'000'000;
  uint32_t threads = 64;
  uint32_t back_edges = 8;      // each closes a cycle
  // Share of a thread's nestings drawn from its own working set of edges
  // (real code paths repeat their lock nestings); the rest are drawn from
  // all edges alike. 0: every nesting uniformly random, the worst case for
  // caches.
  double locality = 0.9;
  uint32_t working_set = 256;   // edges per thread
  uint64_t seed = 1;
};

// Write the trace to `path`; false with *err set on an I/O error.
bool write_native_trace(const std::string &path, const TraceShape &s, std::string *err);
bool write_kernel_trace(const std::string &path, const TraceShape &s, std::string *err);

} // namespace fencedep::bench
