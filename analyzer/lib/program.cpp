#include "program.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <set>
#include <tuple>

namespace fencedep::analyzer {

bool blocksDirectly(const Effect &E) {
  return E.kind == EffectKind::Wait ||
         (E.kind == EffectKind::Alloc && E.gfp.kind == GfpVal::Reclaim);
}

static unsigned directReach(const FunctionSummary &F) {
  unsigned Bits = 0;
  for (const Effect &E : F.effects) {
    switch (E.kind) {
    case EffectKind::Wait:
      Bits |= kReachWait | kReachSleep;
      break;
    case EffectKind::Alloc:
      Bits |= kReachAlloc | kReachSleep;
      break;
    case EffectKind::Lock:
      Bits |= kReachLock | (E.sleeps ? kReachSleep : 0);
      break;
    case EffectKind::Sleep:
      Bits |= kReachSleep;
      break;
    case EffectKind::Attach:
    case EffectKind::Export:
    case EffectKind::Dependency:
      Bits |= kReachSink;
      break;
    case EffectKind::Queue:
      Bits |= kReachQueue;
      break;
    }
  }
  return Bits;
}

Program::Program(const std::vector<TuSummary> &tus) {
  std::map<std::string, int> ModIds;
  auto ModuleId = [&](const std::string &Name) {
    auto [It, New] = ModIds.emplace(Name, static_cast<int>(modules.size()));
    if (New)
      modules.push_back(Name);
    return It->second;
  };
  std::vector<int> TuModule;
  for (const TuSummary &T : tus)
    TuModule.push_back(ModuleId(T.module));

  // One definition per key and module: a file built into two modules
  // (i915's display code is part of xe too) is two sets of functions; a
  // header function is the same everywhere and belongs to no module.
  struct Def {
    const FunctionSummary *fn;
    int module;
    int tu;
  };
  std::map<std::string, std::vector<Def>> ByKey;
  for (size_t T = 0; T < tus.size(); ++T)
    for (const FunctionSummary &F : tus[T].functions) {
      int M = F.header ? kAnyModule : TuModule[T];
      auto &Defs = ByKey[F.key];
      bool Have = std::any_of(Defs.begin(), Defs.end(), [&](const Def &D) {
        return D.module == M || D.module == kAnyModule || M == kAnyModule;
      });
      if (!Have)
        Defs.push_back({&F, M, F.header ? -1 : static_cast<int>(T)});
    }
  for (auto &[Key, Defs] : ByKey) {
    std::sort(Defs.begin(), Defs.end(),
              [](const Def &A, const Def &B) { return A.module < B.module; });
    for (const Def &D : Defs) {
      index_[Key].push_back(static_cast<unsigned>(fns.size()));
      fns.push_back(D.fn);
      moduleOf.push_back(D.module);
      fnTu_.push_back(D.tu);
    }
  }

  // The definition a TU of module M means by a key: its own module's, the
  // header one, else any.
  auto Resolve = [&](const std::string &Key, int M) -> std::vector<unsigned> {
    auto It = index_.find(Key);
    if (It == index_.end())
      return {};
    for (unsigned F : It->second)
      if (moduleOf[F] == M || moduleOf[F] == kAnyModule)
        return {F};
    return It->second;
  };

  std::set<std::tuple<int, unsigned, std::string>> SeenRoles;
  std::map<std::string, std::set<unsigned>> Fields;
  for (size_t T = 0; T < tus.size(); ++T) {
    for (const Role &R : tus[T].roles) {
      std::vector<unsigned> Fs = Resolve(R.function, TuModule[T]);
      if (Fs.empty())
        continue;
      if (SeenRoles.insert({static_cast<int>(R.kind), Fs[0], R.via}).second)
        roles.push_back({&R, Fs[0]});
    }
    for (const FieldTarget &FT : tus[T].fieldTargets)
      for (unsigned F : Resolve(FT.function, TuModule[T])) {
        Fields[FT.field].insert(F);
        registered_.emplace(std::make_pair(FT.field, F), FT.at);
        registeredIn_[std::make_pair(FT.field, F)].push_back(static_cast<int>(T));
      }
    for (const WqSource &W : tus[T].workqueues)
      wqs_[W.wq].push_back(&W);
    for (const std::string &K : tus[T].exports)
      exported_[K] = true;
  }
  roleKinds.assign(fns.size(), 0);
  for (const RoleAt &R : roles)
    roleKinds[R.fn] |= 1u << static_cast<unsigned>(R.role->kind);
  std::sort(roles.begin(), roles.end(), [](const RoleAt &A, const RoleAt &B) {
    return std::tie(A.role->function, A.role->via, A.role->kind, A.fn) <
           std::tie(B.role->function, B.role->via, B.role->kind, B.fn);
  });

  targets.resize(fns.size());
  for (unsigned I = 0; I < fns.size(); ++I) {
    targets[I].resize(fns[I]->calls.size());
    for (size_t C = 0; C < fns[I]->calls.size(); ++C) {
      const CallSite &Call = fns[I]->calls[C];
      const std::string &Callee = Call.callee;
      std::vector<unsigned> &Out = targets[I][C];
      if (Callee.rfind("field:", 0) == 0 || Callee.rfind("work:", 0) == 0) {
        std::string Field = Callee.rfind("field:", 0) == 0 ? Callee.substr(6) : Callee;
        auto It = Fields.find(Field);
        if (It != Fields.end())
          Out.assign(It->second.begin(), It->second.end());
        continue;
      }
      auto It = index_.find(Callee);
      if (It == index_.end())
        continue;
      Out = It->second;
      callers_[Callee].push_back({I, static_cast<unsigned>(C)});
    }
    for (const LrField &L : fns[I]->lrFields)
      lrFields_[L.field].push_back(&L);
  }
  computeLinks();
  computeUses(tus.size());
  computeReach();
  // FENCEDEP_DEBUG_MODULES=1 prints the modules and what each links, to
  // check the resolution of ops calls on a real tree.
  if (std::getenv("FENCEDEP_DEBUG_MODULES"))
    for (size_t A = 0; A < modules.size(); ++A) {
      std::string Line = "module " + modules[A] + " links:";
      for (size_t B = 0; B < modules.size(); ++B)
        if (links_[A][B])
          Line += " " + modules[B];
      std::fprintf(stderr, "%s\n", Line.c_str());
    }
}

void Program::computeUses(size_t TuCount) {
  usesTu_.assign(modules.size(), std::vector<bool>(TuCount, false));
  for (int D = 0; D < static_cast<int>(modules.size()); ++D) {
    std::vector<bool> Seen(fns.size(), false);
    std::deque<unsigned> Work;
    for (unsigned F = 0; F < fns.size(); ++F)
      if (moduleOf[F] == D) {
        Seen[F] = true;
        Work.push_back(F);
      }
    while (!Work.empty()) {
      unsigned F = Work.front();
      Work.pop_front();
      if (fnTu_[F] >= 0)
        usesTu_[D][fnTu_[F]] = true;
      for (size_t C = 0; C < fns[F]->calls.size(); ++C) {
        if (indirect(fns[F]->calls[C]))
          continue;
        for (unsigned T : targets[F][C]) {
          int M = moduleOf[T];
          // Own code, header helpers and the shared code D links.
          bool Shared = M == kAnyModule || M == D || linked(D, M);
          if (!Seen[T] && Shared) {
            Seen[T] = true;
            Work.push_back(T);
          }
        }
      }
    }
  }
}

std::optional<unsigned> Program::find(const std::string &key) const {
  auto It = index_.find(key);
  if (It == index_.end() || It->second.empty())
    return std::nullopt;
  return It->second.front();
}

void Program::computeLinks() {
  size_t N = modules.size();
  links_.assign(N, std::vector<bool>(N, false));
  for (unsigned F = 0; F < fns.size(); ++F) {
    int A = moduleOf[F];
    if (A == kAnyModule)
      continue;
    for (size_t C = 0; C < fns[F]->calls.size(); ++C) {
      if (indirect(fns[F]->calls[C]))
        continue;
      const std::vector<unsigned> &Ts = targets[F][C];
      // A key defined in the caller's own module resolves there.
      if (std::any_of(Ts.begin(), Ts.end(), [&](unsigned T) { return moduleOf[T] == A; }))
        continue;
      for (unsigned T : Ts)
        // In a kernel tree a module reaches another one only through its
        // exports; a call to an unexported function of another module is
        // dead code there (i915 display code built into xe calls functions
        // only i915 has, on platforms xe never runs).
        if (moduleOf[T] != kAnyModule && (exported_.empty() || exported_.count(fns[T]->key))) {
          if (std::getenv("FENCEDEP_DEBUG_MODULES") && !links_[A][moduleOf[T]])
            std::fprintf(stderr, "link %s -> %s: %s calls %s\n", modules[A].c_str(),
                         modules[moduleOf[T]].c_str(), fns[F]->key.c_str(), fns[T]->key.c_str());
          links_[A][moduleOf[T]] = true;
        }
    }
  }
  for (size_t K = 0; K < N; ++K)
    for (size_t I = 0; I < N; ++I)
      if (links_[I][K])
        for (size_t J = 0; J < N; ++J)
          if (links_[K][J])
            links_[I][J] = true;
}

bool Program::linked(int From, int To) const {
  return From >= 0 && To >= 0 && links_[From][To];
}

std::string Program::moduleName(int Id) const {
  if (Id < 0 || static_cast<size_t>(Id) >= modules.size())
    return "";
  return modules[Id];
}

int Program::startContext(unsigned Fn) const { return moduleOf[Fn]; }

bool Program::registeredOnlyInUnused(int Ctx, unsigned Target, const std::string &Field) const {
  auto It = registeredIn_.find({Field, Target});
  return It != registeredIn_.end() &&
         std::none_of(It->second.begin(), It->second.end(),
                      [&](int Tu) { return usesTu_[Ctx][Tu]; });
}

int Program::enter(int Ctx, unsigned Target, bool Direct, const std::string *Field) const {
  int M = moduleOf[Target];
  if (M == kAnyModule) {
    // A header function registered as an op by a shared file (the shmem
    // helper's static inline free in drm_gem_shmem_funcs) belongs to no
    // module, but a driver's path reaches it through that op only if the
    // driver uses the registering file (found on Linux 6.12: i915's
    // object put "called" drm_gem_shmem_object_free).
    if (Field && !Direct && Ctx != kAnyModule && registeredOnlyInUnused(Ctx, Target, *Field))
      return kNotAllowed;
    return Ctx;
  }
  if (Ctx == kAnyModule)
    return M;
  if (M == Ctx)
    return Ctx;
  if (linked(Ctx, M)) {
    // Shared code the path's module links: still that module's work, but
    // through an ops field only the implementations of files it uses.
    if (Field && !Direct && registeredOnlyInUnused(Ctx, Target, *Field))
      return kNotAllowed;
    return Ctx;
  }
  if (linked(M, Ctx))
    return M; // shared code calling back into a module built on it
  return Direct ? M : kNotAllowed;
}

Loc Program::registeredAt(const std::string &Field, unsigned Fn) const {
  auto It = registered_.find({Field, Fn});
  return It == registered_.end() ? Loc{} : It->second;
}

void Program::computeReach() {
  reach.assign(fns.size(), 0);
  std::vector<std::vector<unsigned>> Callers(fns.size());
  for (unsigned F = 0; F < fns.size(); ++F) {
    reach[F] = directReach(*fns[F]);
    for (const auto &Ts : targets[F])
      for (unsigned T : Ts)
        Callers[T].push_back(F);
  }
  std::deque<unsigned> Work;
  for (unsigned F = 0; F < fns.size(); ++F)
    if (reach[F])
      Work.push_back(F);
  while (!Work.empty()) {
    unsigned T = Work.front();
    Work.pop_front();
    for (unsigned C : Callers[T])
      if ((reach[C] | reach[T]) != reach[C]) {
        reach[C] |= reach[T];
        Work.push_back(C);
      }
  }
}

FenceVal Program::returnsLr(const std::string &key) const {
  auto Memo = returns_.find(key);
  if (Memo != returns_.end())
    return Memo->second;
  returns_[key] = FenceVal{}; // breaks recursion
  FenceVal Out;
  if (auto F = find(key)) {
    const FunctionSummary &Fn = *fns[*F];
    const FenceVal &R = Fn.returns;
    if (R.kind == FenceVal::Lr) {
      Out = R;
    } else if (R.kind == FenceVal::ReturnOf) {
      Out = returnsLr(R.callee);
    } else if (R.kind == FenceVal::Field) {
      Out = fieldLr(R.callee);
    }
    if (Out.kind == FenceVal::Lr)
      Out.why += ", and returned by '" + Fn.name + "'";
  }
  returns_[key] = Out;
  return Out;
}

FenceVal Program::fieldLr(const std::string &field) const {
  auto Memo = fieldMemo_.find(field);
  if (Memo != fieldMemo_.end())
    return Memo->second;
  fieldMemo_[field] = FenceVal{};
  FenceVal Out;
  auto It = lrFields_.find(field);
  if (It != lrFields_.end())
    for (const LrField *L : It->second) {
      FenceVal V = L->val.kind == FenceVal::ReturnOf ? returnsLr(L->val.callee) : L->val;
      if (V.kind != FenceVal::Lr)
        continue;
      Out = V;
      Out.why += " (field '" + field + "', long-running wherever it is read)";
      break;
    }
  fieldMemo_[field] = Out;
  return Out;
}

static bool compatible(const Program &P, int Ctx, int M) {
  return M == kAnyModule || Ctx == kAnyModule || M == Ctx || P.linked(Ctx, M) ||
         P.linked(M, Ctx);
}

void Program::origins(const std::string &Wq, int Ctx,
                      std::vector<std::pair<Loc, std::string>> &Steps,
                      std::vector<std::string> &Seen, std::vector<WqOrigin> &Out) const {
  if (Out.size() >= 16 || std::find(Seen.begin(), Seen.end(), Wq) != Seen.end())
    return;
  Seen.push_back(Wq);
  auto It = wqs_.find(Wq);
  if (It == wqs_.end())
    return;
  for (const WqSource *W : It->second) {
    switch (W->kind) {
    case WqSource::Alloc:
    case WqSource::System:
      Out.push_back({W, Steps});
      break;
    case WqSource::Alias:
      Steps.push_back({W->at, "'" + Wq + "' is set to '" + W->other + "' here"});
      origins(W->other, Ctx, Steps, Seen, Out);
      Steps.pop_back();
      break;
    case WqSource::Param: {
      auto Cs = callers_.find(W->function);
      if (Cs == callers_.end())
        break;
      for (const auto &[Caller, C] : Cs->second) {
        if (!compatible(*this, Ctx, moduleOf[Caller]))
          continue;
        const CallSite &Call = fns[Caller]->calls[C];
        if (W->param < 0 || static_cast<size_t>(W->param) >= Call.args.size())
          continue;
        const LockRef &Arg = Call.args[W->param].lock;
        if (!Arg.known())
          continue;
        Steps.push_back({W->at, "'" + Wq + "' is set from a parameter of '" +
                                    Call.calleeName + "' here"});
        Steps.push_back({Call.loc, "'" + fns[Caller]->name + "' passes '" + Arg.cls + "' here"});
        origins(Arg.cls, Ctx, Steps, Seen, Out);
        Steps.pop_back();
        Steps.pop_back();
      }
      break;
    }
    }
  }
}

std::vector<WqOrigin> Program::workqueueOrigins(const std::string &wq, int ctx) const {
  std::vector<WqOrigin> Out;
  std::vector<std::pair<Loc, std::string>> Steps;
  std::vector<std::string> Seen;
  origins(wq, ctx, Steps, Seen, Out);
  return Out;
}

} // namespace fencedep::analyzer
