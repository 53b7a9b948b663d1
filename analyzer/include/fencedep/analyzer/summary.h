// Per-function summaries: what a function does that matters for fences
// (effects), whom it calls and in which context (call sites), and which
// functions the translation unit registers as contexts (roles). Summaries
// are plain data: built from the AST by the summarizer, written to and read
// from JSON so shards of a whole-program run merge, and read by the engine
// without the rules or the AST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fencedep::analyzer {

struct Loc {
  std::string file;
  unsigned line = 0, col = 0;
  // The clang::SourceLocation encoding while the AST is alive (plugin);
  // 0 once serialized.
  uint32_t raw = 0;

  bool valid() const { return line != 0; }
  std::string str() const { return file + ":" + std::to_string(line) + ":" + std::to_string(col); }
};

bool operator<(const Loc &A, const Loc &B);
bool operator==(const Loc &A, const Loc &B);

enum class Tri : uint8_t { Unknown, False, True };

// Whether a fence value is long-running, as far as its own function knows.
struct FenceVal {
  enum Kind : uint8_t {
    Unknown,
    Lr,       // long-running: origin says where it became so, why says how
    Param,    // whatever the caller passes as argument `param`
    ReturnOf, // whatever `callee` (a function key) returns
    // Read from struct field `callee` ("xe_exec_queue.lr.pfence"): long-running
    // when any TU makes that field so; otherwise, when `param` >= 0, whatever
    // the caller's argument `param` (the object holding the field) is.
    Field,
  };
  Kind kind = Unknown;
  int param = -1;
  std::string callee;
  Loc origin;
  std::string why;
};

// Whether a gfp value may enter direct reclaim.
struct GfpVal {
  enum Kind : uint8_t { Unknown, NoReclaim, Reclaim, Param };
  Kind kind = Unknown;
  int param = -1;
  std::string spelling; // as written, for messages: "GFP_KERNEL"
};

// A lock class, or the caller's argument `param` when the function locks
// what it is given.
struct LockRef {
  std::string cls;
  int param = -1;
  bool known() const { return !cls.empty(); }
};

struct Held {
  LockRef lock;
  Loc at; // where it was taken
  bool mm = false;
  bool resv = false;
};

// The state of the function at a call or effect, from its own code only;
// the engine adds what callers hold.
struct Context {
  std::vector<Held> held; // held on every path to here
  bool inSection = false; // inside dma_fence_begin/end_signalling (on some path)
  Loc sectionBegin;
  bool inReclaim = false; // inside fs_reclaim_acquire/release
  Loc reclaimBegin;
  bool afterEnd = false; // after dma_fence_end_signalling on every path
  // After a fence signal (dma_fence_signal) on every path: work queued from
  // here on does not delay that signal.
  bool afterSignal = false;
  Loc sectionEnd;
  Tri lrGuard = Tri::Unknown; // an LR predicate known true/false here
  Loc guardLoc;
  std::string guardText; // "xe_vm_in_lr_mode(vm)"
};

enum class EffectKind : uint8_t { Wait, Alloc, Lock, Sleep, Attach, Export, Dependency, Queue };

struct Effect {
  EffectKind kind = EffectKind::Wait;
  std::string api; // the called vocabulary function
  Loc loc;
  Context ctx;
  FenceVal fence;       // Wait, Attach, Export, Dependency
  GfpVal gfp;           // Alloc
  LockRef lock;         // Lock; Queue: the workqueue (empty for a kthread worker)
  std::string work;     // Queue: the work item's class ("xe_gt.reset.worker")
  bool systemWq = false; // Queue: a system workqueue (no rescuer)
  bool trylock = false; // Lock
  bool sleeps = false;  // Lock: a sleeping lock
  bool mm = false;      // Lock: an MM lock class
  bool resv = false;    // Lock: the dma-resv lock
};

// What the function knows of one argument at a call.
struct ArgVal {
  FenceVal fence;
  GfpVal gfp;
  LockRef lock;
};

struct CallSite {
  // A function key, "field:STRUCT.FIELD" for a call through a function
  // pointer stored in a struct field (ops tables), or "work:CLASS" for work
  // queued on a work item (the functions bound to it run).
  std::string callee;
  std::string calleeName; // for messages
  Loc loc;
  Context ctx;
  std::vector<ArgVal> args;
};

enum class SectionIssueKind : uint8_t {
  OpenAtExit,      // begin without end on some path, cookie kept local
  CookieDiscarded, // begin's cookie thrown away
  BogusCookie,     // end called with something that is not a cookie
};

struct SectionIssue {
  SectionIssueKind kind = SectionIssueKind::OpenAtExit;
  std::string api;
  Loc loc;   // the begin (or end) call
  Loc other; // OpenAtExit: where the function returns with the section open
};

// A struct field made long-running in some TU: by a marker call on it, by
// storing a long-running fence (or the result of `callee`) into it.
struct LrField {
  std::string field;
  FenceVal val; // Lr, or ReturnOf
};

struct FunctionSummary {
  // External functions: their name; internal ones: "name@file", so static
  // helpers of different files stay apart and a static inline function of
  // a header is the same function in every TU.
  std::string key;
  std::string name;
  Loc loc;
  std::vector<Effect> effects;
  std::vector<CallSite> calls;
  FenceVal returns; // Lr when it may return a long-running fence
  std::vector<SectionIssue> sectionIssues;
  std::vector<LrField> lrFields; // fields this function makes long-running
  // Defined in a header (a static inline helper): part of every module
  // that includes it, so it belongs to none.
  bool header = false;
};

enum class RoleKind : uint8_t { SignallingRoot, AtomicCallback, MmContext };

struct Role {
  RoleKind kind = RoleKind::SignallingRoot;
  std::string function; // key
  std::string name;
  std::string via; // "drm_sched_backend_ops.run_job" or "dma_fence_add_callback()"
  Loc loc;         // the initializer or call that registers it
};

// `STRUCT.FIELD` may point to `function` (from ops-table initializers and
// assignments); resolves calls through function pointers. "work:CLASS"
// binds a work function to a work item (INIT_WORK and friends).
struct FieldTarget {
  std::string field;
  std::string function;
  Loc at;
};

// Where a workqueue named by a struct field or global ("xe_device.ordered_wq")
// comes from: an allocation, another workqueue stored into it, a parameter
// of a function that stores it (`sched->submit_wq = submit_wq`), or the
// kernel (a system workqueue the TU refers to).
struct WqSource {
  enum Kind : uint8_t { Alloc, Alias, Param, System };
  Kind kind = Alloc;
  std::string wq;
  Loc at;
  std::string api;     // Alloc: the allocating call
  std::string flags;   // Alloc: the call as written (flags included)
  bool reclaim = false; // Alloc: WQ_MEM_RECLAIM is set
  bool known = true;    // Alloc: the flags could be read
  std::string other;    // Alias: the workqueue stored
  std::string function; // Param: the storing function (key)
  int param = -1;       // Param: which of its parameters
};


struct TuSummary {
  std::string file; // the main source file
  // The module the TU is linked into (kbuild's NAME.mod lists, "vmlinux"
  // for built-in objects, else the source directory); empty when unknown.
  std::string module;
  std::vector<FunctionSummary> functions;
  std::vector<Role> roles;
  std::vector<FieldTarget> fieldTargets;
  std::vector<WqSource> workqueues;
  std::vector<std::string> exports; // keys of the functions the TU exports (EXPORT_SYMBOL)
  std::vector<std::string> errors; // compiler errors, "path:line:col: error: ..."
};

// The JSON form: {"fencedep-summaries": 1, "tus": [...]}. One file holds the
// TUs of one shard; reading several files and concatenating their TUs is
// merging.
std::string writeSummariesJson(const std::vector<TuSummary> &tus);
bool readSummariesJson(const std::string &text, const std::string &name,
                       std::vector<TuSummary> &out, std::string &error);

} // namespace fencedep::analyzer
