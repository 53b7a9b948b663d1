// Which reader an input needs, from its first bytes: the native magic,
// trace-cmd's trace.dat magic, or the first lines that parse as kernel trace text (and which tool wrote it)
// or as RAPID STD.
#pragma once
#include <cstddef>
#include <string_view>

namespace fencedep {

enum class TraceFormat { Unknown, Native, Ftrace, TraceCmd, Perf, Std, TraceDat };

const char *trace_format_name(TraceFormat f);
// "auto" parses as Unknown; false for anything else unknown.
bool parse_trace_format(std::string_view s, TraceFormat *out);
// Kernel traces: text of any dialect, or trace.dat.
bool is_kernel_format(TraceFormat f);

// Looks at up to the first 64 KiB; Unknown when nothing decides.
TraceFormat detect_trace_format(const char *data, size_t size);

} // namespace fencedep
