// Names and one-sentence summaries of the checks; the summaries open the
// doc pages in docs/checks/ and the SARIF rule descriptions.
#include "fencedep/analyzer/engine.h"

namespace fencedep::analyzer {

namespace {

struct CheckInfo {
  CheckId id;
  const char *name;
  const char *summary;
};

constexpr CheckInfo kChecks[kNumChecks] = {
    {CheckId::LrResvAttach, "fence-lr-resv-attach",
     "Flags a long-running fence that reaches a dma-resv attach sink."},
    {CheckId::LrExport, "fence-lr-export",
     "Flags a long-running fence that reaches an export sink or a container that launders it "
     "into an ordinary dma-fence."},
    {CheckId::LrWaitInReclaim, "fence-lr-wait-in-reclaim",
     "Flags a wait on a long-running fence that is reachable from an MM context."},
    {CheckId::LrWaitUnderMmLock, "fence-lr-wait-under-mm-lock",
     "Flags a wait on a long-running fence while an MM lock class is held."},
    {CheckId::LrDependency, "fence-lr-dependency",
     "Flags a long-running fence that becomes a dependency or plain callback of non-long-running "
     "work."},
    {CheckId::SignallingWait, "fence-signalling-wait",
     "Flags a fence wait reachable inside a dma-fence signalling section or root."},
    {CheckId::SignallingAlloc, "fence-signalling-alloc",
     "Flags an allocation that may enter memory reclaim reachable inside a dma-fence signalling "
     "section or root."},
    {CheckId::SignallingResvLock, "fence-signalling-resv-lock",
     "Flags a dma-resv lock taken inside a dma-fence signalling section or root."},
    {CheckId::SignallingLockInversion, "fence-signalling-lock-inversion",
     "Flags a lock taken inside a dma-fence signalling path that is elsewhere held across a "
     "fence wait or an allocation that may enter reclaim."},
    {CheckId::SignallingUnbalanced, "fence-signalling-unbalanced",
     "Flags a dma-fence signalling section that is not closed on some path, loses its cookie, "
     "or ends before work it must cover."},
    {CheckId::AtomicCallbackSleep, "fence-atomic-callback-sleep",
     "Flags a call that may sleep inside a dma-fence callback or enable_signaling."},
    {CheckId::SignallingWqReclaim, "fence-signalling-wq-reclaim",
     "Flags a workqueue without WQ_MEM_RECLAIM (or a system workqueue) that runs work queued "
     "on a dma-fence signalling path or in memory reclaim."},
};

} // namespace

const char *checkName(CheckId id) { return kChecks[static_cast<unsigned>(id)].name; }
const char *checkSummary(CheckId id) { return kChecks[static_cast<unsigned>(id)].summary; }

std::optional<CheckId> checkByName(const std::string &name) {
  for (const CheckInfo &C : kChecks)
    if (name == C.name)
      return C.id;
  return std::nullopt;
}

} // namespace fencedep::analyzer
