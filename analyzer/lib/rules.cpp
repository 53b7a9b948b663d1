// The rule set's lookup index and where the default rule file is found.
#include "fencedep/analyzer/rules.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#ifndef FENCEDEP_RULES_SOURCE_DIR
#define FENCEDEP_RULES_SOURCE_DIR ""
#endif

namespace fencedep::analyzer {

namespace {

bool contains(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

bool sameContext(const ContextEntry &E, const std::string &ops, const std::string &field) {
  return !E.ops.empty() && E.ops == ops && E.field == field;
}

} // namespace

void RuleSet::reindex() {
  index_.clear();
  auto Fence = [this](const std::vector<FenceCall> &Calls, int ApiInfo::*Slot) {
    for (const FenceCall &C : Calls)
      index_[C.name].*Slot = C.fence;
  };
  Fence(waits, &ApiInfo::wait);
  Fence(signals, &ApiInfo::signal);
  Fence(resvAttach, &ApiInfo::attach);
  Fence(exports, &ApiInfo::exportSink);
  Fence(dependencies, &ApiInfo::dependency);
  Fence(lrMarkers, &ApiInfo::lrMarker);
  Fence(passthrough, &ApiInfo::passthrough);
  auto Flag = [this](const std::vector<std::string> &Names, bool ApiInfo::*Slot) {
    for (const std::string &N : Names)
      index_[N].*Slot = true;
  };
  Flag(beginSignalling, &ApiInfo::beginSignalling);
  Flag(endSignalling, &ApiInfo::endSignalling);
  Flag(reclaimBegin, &ApiInfo::reclaimBegin);
  Flag(reclaimEnd, &ApiInfo::reclaimEnd);
  Flag(sleeping, &ApiInfo::sleeps);
  Flag(lrPredicates, &ApiInfo::lrPredicate);
  Flag(lrReturning, &ApiInfo::lrReturning);
  Flag(bitSetters, &ApiInfo::bitSetter);
  for (const AllocCall &A : allocs)
    index_[A.name].alloc = A.gfp;
  for (size_t I = 0; I < locks.size(); ++I) {
    auto Op = [&](const std::vector<std::string> &Names, ApiInfo::LockOp Kind) {
      for (const std::string &N : Names) {
        ApiInfo &Info = index_[N];
        Info.lockOp = Kind;
        Info.lockFamily = static_cast<int>(I);
      }
    };
    Op(locks[I].acquire, ApiInfo::LockOp::Acquire);
    Op(locks[I].trylock, ApiInfo::LockOp::Trylock);
    Op(locks[I].release, ApiInfo::LockOp::Release);
  }
  auto Callbacks = [this](const std::vector<ContextEntry> &Entries, ContextKind Kind) {
    for (const ContextEntry &E : Entries)
      if (!E.function.empty())
        index_[E.function].callbackArgs.emplace_back(static_cast<int>(Kind), E.arg);
  };
  for (const ContextEntry &E : invokes)
    index_[E.function].invokedArgs.push_back(E.arg);
  for (size_t I = 0; I < queues.size(); ++I)
    index_[queues[I].name].queue = static_cast<int>(I);
  for (size_t I = 0; I < wqAllocs.size(); ++I)
    index_[wqAllocs[I].name].wqAlloc = static_cast<int>(I);
  Callbacks(signallingRoots, ContextKind::SignallingRoot);
  Callbacks(atomicCallbacks, ContextKind::AtomicCallback);
  Callbacks(mmContexts, ContextKind::MmContext);
}

const ApiInfo *RuleSet::lookup(const std::string &name) const {
  auto It = index_.find(name);
  return It == index_.end() ? nullptr : &It->second;
}

std::vector<ContextKind> RuleSet::contextsOfField(const std::string &ops,
                                                  const std::string &field) const {
  std::vector<ContextKind> Kinds;
  auto Add = [&](const std::vector<ContextEntry> &Entries, ContextKind Kind) {
    for (const ContextEntry &E : Entries)
      if (sameContext(E, ops, field)) {
        Kinds.push_back(Kind);
        return;
      }
  };
  Add(signallingRoots, ContextKind::SignallingRoot);
  Add(atomicCallbacks, ContextKind::AtomicCallback);
  Add(mmContexts, ContextKind::MmContext);
  return Kinds;
}

bool RuleSet::isLrAnnotation(const std::string &s) const { return contains(lrAnnotations, s); }
bool RuleSet::isGfpReclaim(const std::string &s) const { return contains(gfpReclaim, s); }
bool RuleSet::isGfpNoReclaim(const std::string &s) const { return contains(gfpNoReclaim, s); }
bool RuleSet::isGfpReclaimBit(const std::string &s) const { return contains(gfpReclaimBits, s); }
bool RuleSet::isLrFlagBit(const std::string &s) const { return contains(lrFlagBits, s); }
bool RuleSet::isWorkBindField(const std::string &s) const { return contains(workBindFields, s); }
bool RuleSet::isWqReclaimFlag(const std::string &s) const { return contains(wqReclaimFlags, s); }
bool RuleSet::isSystemWq(const std::string &s) const { return contains(systemWqs, s); }
bool RuleSet::isLrType(const std::string &s) const { return contains(lrTypes, s); }

ProgramFacts RuleSet::facts() const {
  ProgramFacts Out;
  for (const Fact &F : boundedWaits)
    if (!F.function.empty())
      Out.boundedWaits.emplace(F.function, F.reason);
  for (const Fact &F : unreachable) {
    if (F.function.empty())
      continue;
    if (!F.onlyUnder.empty())
      Out.onlyUnder[F.function].insert(F.onlyUnder.begin(), F.onlyUnder.end());
    else if (F.under.empty())
      Out.unreachable.emplace(F.function, F.reason);
    else
      Out.unreachableUnder[F.function].insert(F.under.begin(), F.under.end());
  }
  for (const Fact &F : nonBlocking)
    if (!F.function.empty())
      Out.nonBlocking.emplace(F.function, F.reason);
  for (const Fact &F : absentOps)
    Out.absentOps[F.ops].push_back({{F.under.begin(), F.under.end()}, {F.only.begin(), F.only.end()}});
  for (const Fact &F : unawaited) {
    if (!F.function.empty())
      Out.unawaitedFunctions.emplace(F.function, F.reason);
    if (!F.work.empty())
      Out.unawaitedWork.emplace(F.work, F.reason);
  }
  return Out;
}

std::vector<std::string> RuleSet::namesWhere(bool (*pred)(const ApiInfo &)) const {
  std::vector<std::string> Names;
  for (const auto &[Name, Info] : index_) // std::map: sorted, so deterministic
    if (pred(Info))
      Names.push_back(Name);
  return Names;
}

static std::string rulesNextTo(const std::filesystem::path &Binary) {
  std::error_code EC;
  std::filesystem::path P =
      Binary.parent_path() / ".." / "share" / "fencedep" / "rules" / "linux-dma-fence.yaml";
  if (std::filesystem::exists(P, EC))
    return std::filesystem::weakly_canonical(P, EC).string();
  return {};
}

std::string defaultRulesPath() {
  // The library may be the clang-tidy plugin or part of the fencedep
  // program: dladdr names whichever object holds this function.
  Dl_info Info{};
  if (dladdr(reinterpret_cast<void *>(&defaultRulesPath), &Info) && Info.dli_fname) {
    std::string Found = rulesNextTo(Info.dli_fname);
    if (!Found.empty())
      return Found;
  }
  std::error_code EC;
  std::filesystem::path Self = std::filesystem::read_symlink("/proc/self/exe", EC);
  if (!EC) {
    std::string Found = rulesNextTo(Self);
    if (!Found.empty())
      return Found;
  }
  std::filesystem::path Source =
      std::filesystem::path(FENCEDEP_RULES_SOURCE_DIR) / "linux-dma-fence.yaml";
  if (!Source.empty() && std::filesystem::exists(Source, EC))
    return Source.string();
  return {};
}

bool loadRules(const std::vector<std::string> &extra, bool noDefault, RuleSet &rules,
               std::string &error) {
  if (!noDefault) {
    std::string Default = defaultRulesPath();
    if (Default.empty()) {
      error = "error: cannot find the default rules (share/fencedep/rules/linux-dma-fence.yaml)";
      return false;
    }
    if (!loadRuleFile(Default, rules, error))
      return false;
  }
  for (const std::string &File : extra)
    if (!loadRuleFile(File, rules, error))
      return false;
  return true;
}

} // namespace fencedep::analyzer
