// trace-cmd's binary trace.dat, read with Debian's libtracecmd and
// libtraceevent: every event's format comes from the file itself, fields
// are read by name from each record (no text round trip), records come in
// time order across CPUs, and each record's common_flags says whether it
// ran in interrupt context.
#pragma once
#include <cstddef>
#include <set>
#include <string>
#include <unordered_map>

#include "fencedep/core/text_reader.h"

namespace fencedep::offline {

// Reads the trace.dat at `path` into ctx.sink. False with *err set when
// libtracecmd cannot open it at all. Locations are record ordinals: the
// N-th event `trace-cmd report` prints.
bool read_trace_dat(const std::string &path, const ReaderContext &ctx, ReaderStats *st,
                    std::string *err);

// The event names of records `ordinals` (as read_trace_dat numbers them),
// for reports to quote: one more pass over the file.
void name_trace_dat_records(const std::string &path, const std::set<uint64_t> &ordinals,
                            std::unordered_map<uint64_t, std::string> *names);

} // namespace fencedep::offline
