// Native binary trace (docs/trace-format.md): every event the engine sees,
// chunked per thread, so offline analysis can replay and merge runs.
#pragma once
#include <cstdint>

#include "fencedep/core/trace_format.h"

namespace fencedep::runtime {

bool trace_open(const char *path);
void trace_close();
void trace_after_fork();
// The calling thread ends: its events go to the file now, its buffer back to the pool.
void trace_thread_exit();
extern int trace_fd_for_hooks;
inline bool trace_enabled() { return trace_fd_for_hooks >= 0; }
void trace_event(const TraceEvent &e);

} // namespace fencedep::runtime
