// The interprocedural part: merges summaries into one program, follows
// calls from each context (signalling roots and sections, MM contexts and
// reclaim regions, atomic callbacks, MM-lock holders, long-running fences)
// and turns what it reaches into findings with the call path as notes.
// Knows nothing of Clang: the plugin runs it on one TU's summaries,
// `fencedep check` on every TU's.
#pragma once

#include "fencedep/analyzer/rules.h"
#include "fencedep/analyzer/summary.h"

#include <optional>
#include <string>
#include <vector>

namespace fencedep::analyzer {

enum class CheckId : uint8_t {
  LrResvAttach,
  LrExport,
  LrWaitInReclaim,
  LrWaitUnderMmLock,
  LrDependency,
  SignallingWait,
  SignallingAlloc,
  SignallingResvLock,
  SignallingLockInversion,
  SignallingUnbalanced,
  AtomicCallbackSleep,
  SignallingWqReclaim,
};
inline constexpr unsigned kNumChecks = 12;

// "fence-lr-resv-attach", ...
const char *checkName(CheckId id);
// The one-sentence summary that opens the check's doc page.
const char *checkSummary(CheckId id);
std::optional<CheckId> checkByName(const std::string &name);

struct Note {
  Loc loc;
  std::string message;
  // Part of the path from the context to the finding (a SARIF codeFlow
  // step, at nesting level `depth`), rather than side evidence.
  bool onPath = true;
  unsigned depth = 0;
};

struct Finding {
  CheckId check = CheckId::LrResvAttach;
  Loc loc;
  std::string message;
  std::vector<Note> notes;
};

// All findings of the program the summaries make up, sorted by location
// then check; one per check and location (each check searches from one
// kind of root), with the shortest path found and a note counting the
// other roots (run_job, timedout_job, a signalling section, ...) that reach it.
// `facts` (from the rules) narrow what the code alone cannot: waits that end
// by themselves, functions and work no fence waits for.
std::vector<Finding> analyzeProgram(const std::vector<TuSummary> &tus,
                                    const ProgramFacts &facts = {});

} // namespace fencedep::analyzer
