// Turns a pending report (ids into the engine's tables) into a ReportView
// (names, symbolized frames) using static scratch: no allocation, so the
// runtime can build and print a report wherever it is.
#pragma once
#include "fencedep/core/engine.h"
#include "fencedep/core/report.h"

namespace fencedep {

class Symbolizer {
public:
  virtual ~Symbolizer() = default;
  // Fills module/offset/function/file/line for a code address; `is_return`
  // is set for return addresses from a stack walk (symbolize pc - 1).
  virtual void symbolize(uint64_t pc, bool is_return, FrameView *out) = 0;
};

// Where an object was created, for naming instances in reports (the
// runtime knows; offline analysis may not).
class InstanceSites {
public:
  virtual ~InstanceSites() = default;
  // A return address of the creating call, 0 when unknown.
  virtual uint64_t site_of(uint64_t instance) = 0;
};

struct ReportScratch {
  EdgeView edges[kMaxCycle];
  FrameView edge_frames[kMaxCycle][kMaxFrames];
  HeldView held[kReportHeld];
  FrameView stack[kMaxFrames];
  char detail[256];
};

void build_class_view(Engine &e, ClassId id, Symbolizer &sym, ClassView *out);
// `trace_names[i - 1]` names trace i for edges recorded offline.
void build_report_view(Engine &e, const PendingReport &p, Symbolizer &sym,
                       ReportScratch &scratch, ReportView *out,
                       const char *const *trace_names = nullptr, uint32_t ntraces = 0,
                       InstanceSites *sites = nullptr);

} // namespace fencedep
