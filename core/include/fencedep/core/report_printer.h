// The one report printer: lockdep's layout for people, JSON for tools.
// Used by the runtime, by `fencedep run` after symbolization, and by offline
// analysis.
#pragma once
#include <cstddef>

#include "fencedep/core/report.h"
#include "fencedep/core/writer.h"

namespace fencedep {

// A class as reports name it (docs/model.md, section 4): "mutex ring.c:42:7
// in ring_create", "mutex m1", "thread-exit worker", "gpu-ring",
// "mutex python3.11+0x585ae6". Writes into buf.
const char *class_display_name(const ClassView &c, char *buf, size_t cap);
// The form class names had before (`mutex@ring.c:42`, `mutex@m1`), still
// matched by suppression files written for it.
const char *class_legacy_name(const ClassView &c, char *buf, size_t cap);
// Sets `qualify` so that no two classes (different keys) among `views`
// print the same name; copies of one class get the same level.
void qualify_class_names(ClassView *const *views, uint32_t n);
// Where an acquisition or wait happened, as reports name it: the first
// frame of f's inline chain outside one-line lock wrappers and helpers
// inlined from other files (docs/model.md).
const FrameView &report_place(const FrameView &f);

void print_report_text(const ReportView &r, Writer &out);
// One JSON object, no trailing newline.
void print_report_json(const ReportView &r, Writer &out);
// The one-line summary (also the last line of the text form), no newline.
void print_report_summary(const ReportView &r, Writer &out);

} // namespace fencedep
