// The one report printer: lockdep's layout for people, JSON for tools.
// Used by the runtime, by `fencedep run` after symbolization, and by offline
// analysis.
#pragma once
#include <cstddef>

#include "fencedep/core/report.h"
#include "fencedep/core/writer.h"

namespace fencedep {

// "mutex@scenario.c:42", "fence:gpu-ring", "reclaim". Writes into buf.
const char *class_display_name(const ClassView &c, char *buf, size_t cap);

void print_report_text(const ReportView &r, Writer &out);
// One JSON object, no trailing newline.
void print_report_json(const ReportView &r, Writer &out);
// The one-line summary (also the last line of the text form), no newline.
void print_report_summary(const ReportView &r, Writer &out);

} // namespace fencedep
