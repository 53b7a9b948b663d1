#include "fencedep/core/types.h"

#include <cstring>

namespace fencedep {

static const char *const kClassKindNames[] = {
    "mutex",   "rwlock",  "spinlock", "condvar", "semaphore", "eventfd", "barrier",
    "thread-exit", "fence", "reclaim", "syncobj", "sync-file", "lock"};
static_assert(sizeof(kClassKindNames) / sizeof(*kClassKindNames) ==
              unsigned(ClassKind::Count_));

static const char *const kEdgeKindNames[] = {"acquire", "wait",  "signal",
                                             "section", "await", "reclaim",
                                             "wait-for-submit"};
static_assert(sizeof(kEdgeKindNames) / sizeof(*kEdgeKindNames) ==
              unsigned(EdgeKind::Count_));

static const char *const kReportKindNames[] = {"lock-order", "wait-cycle", "lr-violation",
                                               "await-cycle", "live-hang"};
static_assert(sizeof(kReportKindNames) / sizeof(*kReportKindNames) ==
              unsigned(ReportKind::Count_));

template <typename E, unsigned N>
static bool parse_name(const char *const (&names)[N], const char *s, E *out) {
  for (unsigned i = 0; i < N; ++i) {
    if (std::strcmp(names[i], s) == 0) {
      *out = E(i);
      return true;
    }
  }
  return false;
}

const char *class_kind_name(ClassKind k) {
  return unsigned(k) < unsigned(ClassKind::Count_) ? kClassKindNames[unsigned(k)] : "?";
}
bool parse_class_kind(const char *s, ClassKind *out) {
  return parse_name(kClassKindNames, s, out);
}
const char *edge_kind_name(EdgeKind k) {
  return unsigned(k) < unsigned(EdgeKind::Count_) ? kEdgeKindNames[unsigned(k)] : "?";
}
bool parse_edge_kind(const char *s, EdgeKind *out) { return parse_name(kEdgeKindNames, s, out); }
const char *report_kind_name(ReportKind k) {
  return unsigned(k) < unsigned(ReportKind::Count_) ? kReportKindNames[unsigned(k)] : "?";
}
bool parse_report_kind(const char *s, ReportKind *out) {
  return parse_name(kReportKindNames, s, out);
}
const char *lr_use_name(LrUse u) {
  switch (u) {
  case LrUse::ResvAttach:
    return "attached to a reservation object";
  case LrUse::Export:
    return "exported";
  case LrUse::WaitInReclaim:
    return "waited on inside a memory-reclaim context";
  case LrUse::WaitUnderMmLock:
    return "waited on while holding a memory-management lock";
  }
  return "?";
}

} // namespace fencedep

namespace fencedep {
static const char *const kLrUseIds[] = {"resv-attach", "export", "wait-in-reclaim",
                                        "wait-under-mm-lock"};
const char *lr_use_id(LrUse u) { return unsigned(u) < 4 ? kLrUseIds[unsigned(u)] : "?"; }
bool parse_lr_use(const char *s, LrUse *out) { return parse_name(kLrUseIds, s, out); }
} // namespace fencedep

#include "fencedep/core/trace_format.h"
namespace fencedep {
const char *trace_op_name(TraceOp op) {
  static const char *const names[] = {
      "?",           "acquire",     "acquire-read",  "try-acquire", "try-acquire-read",
      "release",     "wait-begin",  "wait-end",      "signal",      "section-begin",
      "section-end", "mm-begin",    "mm-end",        "might-reclaim", "await",
      "fence-init",  "resv-attach", "export",        "thread-start", "thread-exit",
      "wait-for-submit-begin"};
  static_assert(sizeof(names) / sizeof(*names) == unsigned(TraceOp::Count_));
  return unsigned(op) < unsigned(TraceOp::Count_) ? names[unsigned(op)] : "?";
}
} // namespace fencedep
