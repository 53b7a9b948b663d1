// The API vocabulary of the static pass: which functions wait on, signal,
// attach or export fences, which ops-struct fields run in which context,
// which calls allocate and with which gfp argument, which locks exist. It
// is read from YAML rule files (rules/*.yaml, schema in rules/README.md) so
// a driver adds its own names without rebuilding; nothing in the analysis
// spells an API name itself.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace fencedep::analyzer {

// A function with the position of its fence argument; -1 when the call
// concerns fences without naming one (dma_resv_wait_timeout waits on all of
// a reservation object's fences).
struct FenceCall {
  std::string name;
  int fence = -1;
};

// An allocation function and the position of its gfp argument; -1 when it
// has none and always may enter reclaim (vmalloc).
struct AllocCall {
  std::string name;
  int gfp = -1;
};

// A family of lock functions sharing one lock class: either fixed
// (`class: mmap_lock`) or named after the locked object, taken from argument
// `arg` (`&gpu->lock` gives `msm_gpu.lock`, as lockdep's static keys do).
struct LockFamily {
  std::string lockClass;
  int arg = 0;
  std::vector<std::string> acquire, trylock, release;
  bool sleeps = true; // a sleeping lock (mutex, rwsem) rather than a spinlock
  bool mm = false;    // an MM lock class (mmap_lock, dma_resv, i_mmap)
  bool resv = false;  // the dma-resv lock
};

// Where a context begins: a function stored in `ops.field` of a struct
// (`drm_sched_backend_ops.run_job`), or a function passed as argument `arg`
// of `function` (`dma_fence_add_callback`, argument 2).
struct ContextEntry {
  std::string ops, field;
  std::string function;
  int arg = -1;
};

// A call that queues a work item (argument `work`) on a workqueue (argument
// `wq`, or the system workqueue `system` when the call names none; neither
// for a kthread worker, which is a thread of its own).
struct QueueCall {
  std::string name;
  int wq = -1, work = -1;
  std::string system;
};

// A call that allocates a workqueue with flags argument `flags`.
struct WqAllocCall {
  std::string name;
  int flags = -1;
};

// A fact about a function that its body alone does not show, with the
// reason a reader can check.
struct Fact {
  std::string function; // or, for facts about deferred work:
  std::string work;     // a work item's class ("pf_queue.worker")
  // or, for absent ops: an ops field ("amdgpu_ring_funcs.begin_use").
  std::string ops;
  // The functions under which the fact holds (on paths through them); all
  // paths when empty. Required for absent ops.
  std::vector<std::string> under;
  // For absent ops: the implementations that remain (none when empty).
  std::vector<std::string> only;
  // For unreachable functions: reached only on paths through these.
  std::vector<std::string> onlyUnder;
  std::string reason;
};

// The facts of a rule set the interprocedural engine applies, by function
// name or work item class, each with its reason.
struct ProgramFacts {
  std::map<std::string, std::string> boundedWaits;       // function -> reason
  std::map<std::string, std::string> unawaitedFunctions; // function -> reason
  std::map<std::string, std::string> unawaitedWork;      // work item class -> reason
  std::map<std::string, std::string> unreachable;        // function -> reason
  std::map<std::string, std::string> nonBlocking;        // function -> reason
  // ops field -> functions under which a call through it calls only the
  // listed implementations (nothing when none is listed).
  struct OpsUnder {
    std::set<std::string> under, only;
  };
  std::map<std::string, std::vector<OpsUnder>> absentOps;
  // function -> functions under which paths never enter it.
  std::map<std::string, std::set<std::string>> unreachableUnder;
  // function -> functions outside of which paths never enter it.
  std::map<std::string, std::set<std::string>> onlyUnder;
};

// What a name means; one function may mean several things
// (dma_fence_add_callback is a dependency sink and registers a callback).
struct ApiInfo {
  static constexpr int kNo = -2; // "not in this category"; -1 is "no fence argument"
  int wait = kNo, signal = kNo, attach = kNo, exportSink = kNo, dependency = kNo;
  int lrMarker = kNo, passthrough = kNo, alloc = kNo;
  bool beginSignalling = false, endSignalling = false;
  bool reclaimBegin = false, reclaimEnd = false;
  bool sleeps = false, lrPredicate = false, lrReturning = false, bitSetter = false;
  enum class LockOp { None, Acquire, Trylock, Release } lockOp = LockOp::None;
  int lockFamily = -1; // index into RuleSet::locks
  // Registrations of a function argument as a context: (kind, argument).
  std::vector<std::pair<int, int>> callbackArgs;
  // Arguments holding a function the call itself calls (kref_put's release).
  std::vector<int> invokedArgs;
  int queue = -1;   // index into RuleSet::queues
  int wqAlloc = -1; // index into RuleSet::wqAllocs

  bool isWait() const { return wait != kNo; }
  bool isAlloc() const { return alloc != kNo; }
};

// Context kinds a function can be registered as.
enum class ContextKind { SignallingRoot = 0, AtomicCallback = 1, MmContext = 2 };

struct RuleSet {
  std::vector<std::string> files; // in load order, for messages

  std::vector<FenceCall> waits, signals, resvAttach, exports, dependencies;
  std::vector<FenceCall> lrMarkers, passthrough;
  std::vector<std::string> beginSignalling, endSignalling;
  std::vector<std::string> reclaimBegin, reclaimEnd;
  std::vector<std::string> lrFlagBits, bitSetters, lrAnnotations, lrPredicates, lrReturning;
  std::vector<ContextEntry> mmContexts, signallingRoots, atomicCallbacks;
  std::vector<AllocCall> allocs;
  std::vector<std::string> gfpReclaim, gfpNoReclaim, gfpReclaimBits;
  std::vector<std::string> sleeping;
  std::vector<LockFamily> locks;
  // Deferred work: fields whose assignment binds a work function to the
  // work item holding them ("work_struct.func"), the calls that queue work.
  std::vector<std::string> workBindFields;
  std::vector<QueueCall> queues;
  std::vector<ContextEntry> invokes; // {function, arg}: the call calls argument arg
  std::vector<WqAllocCall> wqAllocs;
  std::vector<std::string> wqReclaimFlags, systemWqs;
  std::vector<std::string> lrTypes; // records whose fences are long-running
  // Macros that export a function to other modules (EXPORT_SYMBOL): a module
  // links another only through what that one exports, as modpost decides.
  std::vector<std::string> exportMacros;
  // Functions whose own fence waits end without other work (a wait for a
  // fence already signalled, or only on state the callers rule out).
  std::vector<Fact> boundedWaits;
  // Functions and work items a signalling path may reach that no fence
  // waits for (init-time work a reset finds done, work queued for
  // unrelated events while draining a message queue).
  std::vector<Fact> unawaited;
  // Functions signalling and atomic paths seem to reach but never do: a
  // release that runs only when the last reference goes at unbind, a
  // dispatch that on these paths always selects a non-blocking case.
  std::vector<Fact> unreachable;
  // Functions that do not block on signalling and atomic paths whatever
  // their body seems to reach (a dispatch that selects a spinlock-only case).
  std::vector<Fact> nonBlocking;
  // Ops calls made under some functions on objects that have no such op
  // (the KIQ ring has no begin_use), or only some implementations of it
  // (amdgpu_device_fw_loading resumes only the PSP block): paths through
  // those functions enter no other implementation of the op there.
  std::vector<Fact> absentOps;

  // Looks a called function up; nullptr when it is not vocabulary.
  const ApiInfo *lookup(const std::string &name) const;
  // The context kinds `ops.field` is registered as (empty when none).
  std::vector<ContextKind> contextsOfField(const std::string &ops, const std::string &field) const;
  bool isLrAnnotation(const std::string &s) const;
  bool isGfpReclaim(const std::string &s) const;
  bool isGfpNoReclaim(const std::string &s) const;
  bool isGfpReclaimBit(const std::string &s) const;
  bool isLrFlagBit(const std::string &s) const;
  bool isWorkBindField(const std::string &s) const;
  bool isWqReclaimFlag(const std::string &s) const;
  bool isSystemWq(const std::string &s) const;
  bool isLrType(const std::string &s) const;
  // The reason a function's own waits are bounded; nullptr when none is known.
  ProgramFacts facts() const;

  // Every vocabulary name of a category, for the checks' matchers.
  std::vector<std::string> namesWhere(bool (*pred)(const ApiInfo &)) const;

  // Rebuilds the lookup index; called by the loaders after each file.
  void reindex();

private:
  std::map<std::string, ApiInfo> index_;
};

// Loads one YAML rule file and appends its entries to `rules`. On failure
// returns false and sets `error` to "FILE:LINE:COL: error: MESSAGE".
bool loadRuleFile(const std::string &path, RuleSet &rules, std::string &error);
// Same, from text already in memory; `name` is used in messages.
bool loadRuleText(const std::string &text, const std::string &name, RuleSet &rules,
                  std::string &error);

// The bundled default (rules/linux-dma-fence.yaml): next to the loaded
// library or program (../share/fencedep/rules/), else in the source tree.
// Empty when it cannot be found.
std::string defaultRulesPath();

// Loads the default file unless `noDefault`, then `extra` in order. Stops at
// the first bad file.
bool loadRules(const std::vector<std::string> &extra, bool noDefault, RuleSet &rules,
               std::string &error);

} // namespace fencedep::analyzer
