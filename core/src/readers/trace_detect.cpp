#include "fencedep/core/trace_detect.h"

#include <cstring>

#include "fencedep/core/kernel_trace.h"
#include "fencedep/core/std_trace.h"
#include "fencedep/core/trace_codec.h"

namespace fencedep {

const char *trace_format_name(TraceFormat f) {
  switch (f) {
  case TraceFormat::Native:
    return "native";
  case TraceFormat::Ftrace:
    return "ftrace";
  case TraceFormat::TraceCmd:
    return "trace-cmd";
  case TraceFormat::Perf:
    return "perf";
  case TraceFormat::Std:
    return "std";
  case TraceFormat::TraceDat:
    return "trace.dat";
  case TraceFormat::Unknown:
    break;
  }
  return "auto";
}

bool parse_trace_format(std::string_view s, TraceFormat *out) {
  static const TraceFormat all[] = {TraceFormat::Unknown, TraceFormat::Native,
                                    TraceFormat::Ftrace,  TraceFormat::TraceCmd,
                                    TraceFormat::Perf,    TraceFormat::Std,
                                    TraceFormat::TraceDat};
  for (TraceFormat f : all) {
    if (s == trace_format_name(f)) {
      *out = f;
      return true;
    }
  }
  return false;
}

bool is_kernel_format(TraceFormat f) {
  return f == TraceFormat::Ftrace || f == TraceFormat::TraceCmd || f == TraceFormat::Perf ||
         f == TraceFormat::TraceDat;
}

TraceFormat detect_trace_format(const char *data, size_t size) {
  if (size >= sizeof kTraceMagic && std::memcmp(data, kTraceMagic, sizeof kTraceMagic) == 0)
    return TraceFormat::Native;
  uint32_t magic;
  if (size >= 4 && (std::memcpy(&magic, data, 4), magic == kChunkMagic))
    return TraceFormat::Native;
  static const char kDatMagic[] = "\x17\x08\x44tracing";
  if (size >= sizeof kDatMagic - 1 && std::memcmp(data, kDatMagic, sizeof kDatMagic - 1) == 0)
    return TraceFormat::TraceDat;
  // Text: the first lines that decide. A trace-cmd header or a tracefs
  // "# tracer:" line names the tool; otherwise the event lines' shape does.
  size_t window = size < 65536 ? size : 65536;
  LineCursor cur(data, window);
  std::string_view line;
  bool complete;
  bool trace_cmd_header = false, tracefs_header = false;
  for (int seen = 0; seen < 200 && cur.next(&line, &complete);) {
    std::string_view s = trim(line);
    if (s.empty())
      continue;
    ++seen;
    if (s.substr(0, 5) == "cpus=" || s.substr(0, 7) == "version") {
      trace_cmd_header = true;
      continue;
    }
    if (s.substr(0, 9) == "# tracer:") {
      tracefs_header = true;
      continue;
    }
    if (s[0] == '#')
      continue;
    KernelLine kl;
    const char *err;
    uint64_t lost;
    if (parse_kernel_line(s, &kl, &err, &lost) == KernelLineKind::Event) {
      if (!kl.system.empty())
        return TraceFormat::Perf;
      if (tracefs_header || (!trace_cmd_header && !kl.flags.empty()))
        return TraceFormat::Ftrace;
      return TraceFormat::TraceCmd;
    }
    if (is_std_line(s))
      return TraceFormat::Std;
  }
  if (trace_cmd_header)
    return TraceFormat::TraceCmd;
  if (tracefs_header)
    return TraceFormat::Ftrace;
  return TraceFormat::Unknown;
}

} // namespace fencedep
