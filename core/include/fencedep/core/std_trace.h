// RAPID's STD text format (the predictive-analysis community's exchange
// format), one event per line:
//
//   T0|acq(L1)|12      thread | operation(target) | location (optional)
//
// with acq / rel (locks), req (a lock requested: a blocking acquire begins),
// fork / join (threads), r / w (memory accesses: counted and skipped).
// Locks are classes of their own; join(T) waits for the exit of T, which
// depends on what T did (the model's signal window), so results compare with
// published predictive deadlock analyses.
#pragma once
#include <string_view>

#include "fencedep/core/text_reader.h"

namespace fencedep {

// True when `line` has the THREAD|OP(TARGET)[|LOCATION] shape.
bool is_std_line(std::string_view line);

ReaderStats read_std_trace(const char *data, size_t size, const ReaderContext &ctx);

} // namespace fencedep
