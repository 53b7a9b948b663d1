// The merged program: every summarized function once, calls resolved to
// their targets (directly, or through the ops-table fields they read), and
// the bottom-up facts the searches prune and explain with.
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
};

// One step of a bottom-up witness: either the effect that ends it, or the
// call to follow (into `target`, in `param` mode when the caller's gfp
// argument is what allocates).
struct Hop {
  unsigned depth = ~0u;
  int effect = -1;
  int call = -1;
  unsigned target = 0;
  int param = -1; // follow paramAlloc[target][param] rather than blocks[target]
  bool valid() const { return depth != ~0u; }
};

struct HeldAcross {
  std::string cls;
  unsigned holder = 0; // function holding the lock
  Loc heldAt;
  unsigned depth = ~0u;
  // The path from the holder to the blocking effect.
  std::vector<std::pair<unsigned, int>> calls; // (function, call index)
  unsigned blockFn = 0;
  int blockEffect = -1;
};

class Program {
public:
  explicit Program(const std::vector<TuSummary> &tus);

  std::vector<const FunctionSummary *> fns; // sorted by key
  std::vector<const Role *> roles;          // sorted
  // targets[f][c]: the functions call c of f may enter.
  std::vector<std::vector<std::vector<unsigned>>> targets;
  std::vector<unsigned> reach; // ReachBits per function
  // The shortest way from a function to a fence wait or a reclaiming
  // allocation, and to an allocation with the gfp of its parameter j.
  std::vector<Hop> blocks;
  std::vector<std::map<int, Hop>> paramAlloc;
  std::map<std::string, HeldAcross> heldAcross; // by lock class

  std::optional<unsigned> find(const std::string &key) const;
  // Resolves ReturnOf chains; Lr (with its origin) or Unknown.
  FenceVal returnsLr(const std::string &key) const;
  // Follows a witness from `fn` to its blocking effect.
  void witnessPath(unsigned fn, Hop start, std::vector<std::pair<unsigned, int>> &calls,
                   unsigned &blockFn, int &blockEffect) const;

private:
  std::unordered_map<std::string, unsigned> index_;
  mutable std::unordered_map<std::string, FenceVal> returns_;
  void computeReach();
  void computeBlocks();
  void computeHeldAcross();
};

bool blocksDirectly(const Effect &E); // a fence wait or an allocation that may reclaim

} // namespace fencedep::analyzer
