// The merged program: every summarized function once per module it is
// linked into, calls resolved to their possible targets (directly, through
// the ops-table fields they read, or to the work functions bound to a work
// item they queue), which module may call which (kbuild's modules, and the
// links their direct calls show), and the facts any TU contributes about
// struct fields (long-running fences) and workqueues.
#pragma once

#include "fencedep/analyzer/summary.h"

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fencedep::analyzer {

// What a function may reach through calls, for pruning searches.
enum ReachBits : unsigned {
  kReachWait = 1u << 0,
  kReachAlloc = 1u << 1, // any allocation: its gfp is decided by bindings
  kReachLock = 1u << 2,
  kReachSleep = 1u << 3,
  kReachSink = 1u << 4, // attach, export or dependency
  kReachQueue = 1u << 5,
};

// A context in which code runs: the module whose code the path is in.
// Shared code (DRM core, helpers, TTM, the scheduler, dma-buf) runs in the
// context of the driver that called it, so an ops call there resolves to
// that driver's implementations only.
inline constexpr int kAnyModule = -1;   // a path not yet in any module's code
inline constexpr int kNotAllowed = -2;  // the target is another driver's

// A workqueue's origin as far as the summaries tell, with the steps that
// led to it (aliases, parameters and the call sites binding them).
struct WqOrigin {
  const WqSource *source = nullptr; // Alloc or System
  std::vector<std::pair<Loc, std::string>> steps;
};

class Program {
public:
  explicit Program(const std::vector<TuSummary> &tus);

  std::vector<const FunctionSummary *> fns; // sorted by key, then module
  std::vector<int> moduleOf;                // per function; kAnyModule for header functions
  std::vector<std::string> modules;         // names by id
  struct RoleAt {
    const Role *role;
    unsigned fn;
  };
  std::vector<RoleAt> roles; // sorted
  // targets[f][c]: the functions call c of f may enter.
  std::vector<std::vector<std::vector<unsigned>>> targets;
  std::vector<unsigned> reach; // ReachBits per function
  // Per function, the kinds of context it is registered as (1 << RoleKind).
  std::vector<uint8_t> roleKinds;

  std::optional<unsigned> find(const std::string &key) const;
  // Resolves ReturnOf chains; Lr (with its origin) or Unknown.
  FenceVal returnsLr(const std::string &key) const;
  // Whether a struct field is long-running anywhere (Lr) or Unknown.
  FenceVal fieldLr(const std::string &field) const;

  // The context after entering `target` from context `ctx`, or kNotAllowed
  // when the target belongs to a module the path's module neither links
  // nor is linked by. `direct`: the call names its target (the linker
  // decided), which is always allowed. `field`: the ops field (or work
  // item) an indirect call goes through: an implementation in shared code
  // is reached from a driver's path only if the driver uses the file that
  // registers it (a driver whose objects are not shmem-helper objects
  // never runs the shmem helper's free).
  int enter(int ctx, unsigned target, bool direct, const std::string *field = nullptr) const;
  // The context a search starting in `fn` runs in.
  int startContext(unsigned fn) const;
  bool linked(int from, int to) const;
  std::string moduleName(int id) const;

  // Where the target of an ops or work call was registered.
  Loc registeredAt(const std::string &field, unsigned fn) const;

  // The allocations and system workqueues `wq` may be, seen from code
  // running in context `ctx` (parameter sources only from its callers).
  std::vector<WqOrigin> workqueueOrigins(const std::string &wq, int ctx) const;

  static bool indirect(const CallSite &C) {
    return C.callee.rfind("field:", 0) == 0 || C.callee.rfind("work:", 0) == 0;
  }
  static bool queued(const CallSite &C) { return C.callee.rfind("work:", 0) == 0; }

private:
  // Whether `target` is registered as `field` only in files module `ctx`
  // does not use.
  bool registeredOnlyInUnused(int ctx, unsigned target, const std::string &field) const;
  std::unordered_map<std::string, std::vector<unsigned>> index_; // key -> definitions
  std::map<std::pair<std::string, unsigned>, Loc> registered_;
  // Which TUs register `field` -> function, and per module the TUs its
  // code may run in (its own, and the shared code it calls, transitively).
  std::map<std::pair<std::string, unsigned>, std::vector<int>> registeredIn_;
  std::vector<int> fnTu_; // TU of each function's definition; -1 for header functions
  std::vector<std::vector<bool>> usesTu_;
  std::unordered_map<std::string, bool> exported_; // keys of exported functions
  void computeUses(size_t tuCount);
  std::vector<std::vector<bool>> links_; // transitive
  std::unordered_map<std::string, std::vector<const LrField *>> lrFields_;
  mutable std::unordered_map<std::string, FenceVal> returns_, fieldMemo_;
  std::unordered_map<std::string, std::vector<const WqSource *>> wqs_;
  // function key -> (caller function, call index), for parameter sources.
  std::unordered_map<std::string, std::vector<std::pair<unsigned, unsigned>>> callers_;

  void computeLinks();
  void computeReach();
  void origins(const std::string &wq, int ctx, std::vector<std::pair<Loc, std::string>> &steps,
               std::vector<std::string> &seen, std::vector<WqOrigin> &out) const;
};

bool blocksDirectly(const Effect &E); // a fence wait or an allocation that may reclaim

} // namespace fencedep::analyzer
