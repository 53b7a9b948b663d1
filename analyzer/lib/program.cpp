#include "program.h"

#include <algorithm>
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
    }
  }
  return Bits;
}

Program::Program(const std::vector<TuSummary> &tus) {
  // The first summary of a key wins: a static inline function of a header
  // is summarized identically in every TU that includes it.
  std::map<std::string, const FunctionSummary *> ByKey;
  std::set<std::tuple<int, std::string, std::string>> SeenRoles;
  std::map<std::string, std::set<std::string>> Fields;
  std::vector<const Role *> AllRoles;
  for (const TuSummary &T : tus) {
    for (const FunctionSummary &F : T.functions)
      ByKey.emplace(F.key, &F);
    for (const Role &R : T.roles)
      if (SeenRoles.insert({static_cast<int>(R.kind), R.function, R.via}).second)
        AllRoles.push_back(&R);
    for (const FieldTarget &FT : T.fieldTargets)
      Fields[FT.field].insert(FT.function);
  }
  for (const auto &[Key, F] : ByKey) {
    index_[Key] = static_cast<unsigned>(fns.size());
    fns.push_back(F);
  }
  std::sort(AllRoles.begin(), AllRoles.end(), [](const Role *A, const Role *B) {
    return std::tie(A->function, A->via, A->kind) < std::tie(B->function, B->via, B->kind);
  });
  roles = std::move(AllRoles);

  targets.resize(fns.size());
  for (unsigned I = 0; I < fns.size(); ++I) {
    targets[I].resize(fns[I]->calls.size());
    for (size_t C = 0; C < fns[I]->calls.size(); ++C) {
      const std::string &Callee = fns[I]->calls[C].callee;
      if (Callee.rfind("field:", 0) == 0) {
        auto It = Fields.find(Callee.substr(6));
        if (It != Fields.end())
          for (const std::string &K : It->second)
            if (auto T = find(K))
              targets[I][C].push_back(*T);
      } else if (auto T = find(Callee)) {
        targets[I][C].push_back(*T);
      }
    }
  }
  computeReach();
  computeBlocks();
  computeHeldAcross();
}

std::optional<unsigned> Program::find(const std::string &key) const {
  auto It = index_.find(key);
  if (It == index_.end())
    return std::nullopt;
  return It->second;
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

void Program::computeBlocks() {
  blocks.assign(fns.size(), Hop{});
  paramAlloc.assign(fns.size(), {});
  for (unsigned F = 0; F < fns.size(); ++F)
    for (size_t E = 0; E < fns[F]->effects.size(); ++E) {
      const Effect &Ef = fns[F]->effects[E];
      if (blocksDirectly(Ef) && !blocks[F].valid())
        blocks[F] = Hop{0, static_cast<int>(E), -1, 0, -1};
      if (Ef.kind == EffectKind::Alloc && Ef.gfp.kind == GfpVal::Param &&
          !paramAlloc[F].count(Ef.gfp.param))
        paramAlloc[F][Ef.gfp.param] = Hop{0, static_cast<int>(E), -1, 0, -1};
    }
  // Shortest witnesses by relaxation; the sweep cap bounds the depth of a
  // witness, not its correctness.
  for (unsigned Sweep = 0; Sweep < 64; ++Sweep) {
    bool Changed = false;
    for (unsigned F = 0; F < fns.size(); ++F) {
      const auto &Calls = fns[F]->calls;
      for (size_t C = 0; C < Calls.size(); ++C)
        for (unsigned T : targets[F][C]) {
          if (blocks[T].valid() && blocks[T].depth + 1 < blocks[F].depth) {
            blocks[F] = Hop{blocks[T].depth + 1, -1, static_cast<int>(C), T, -1};
            Changed = true;
          }
          for (const auto &[J, PA] : paramAlloc[T]) {
            if (J < 0 || static_cast<size_t>(J) >= Calls[C].args.size())
              continue;
            const GfpVal &G = Calls[C].args[J].gfp;
            Hop Via{PA.depth + 1, -1, static_cast<int>(C), T, J};
            if (G.kind == GfpVal::Reclaim && Via.depth < blocks[F].depth) {
              blocks[F] = Via;
              Changed = true;
            } else if (G.kind == GfpVal::Param) {
              Hop &Mine = paramAlloc[F][G.param];
              if (Via.depth < Mine.depth) {
                Mine = Via;
                Changed = true;
              }
            }
          }
        }
    }
    if (!Changed)
      break;
  }
}

void Program::witnessPath(unsigned fn, Hop H, std::vector<std::pair<unsigned, int>> &calls,
                          unsigned &blockFn, int &blockEffect) const {
  for (unsigned Guard = 0; Guard < 64 && H.valid(); ++Guard) {
    if (H.effect >= 0) {
      blockFn = fn;
      blockEffect = H.effect;
      return;
    }
    calls.push_back({fn, H.call});
    unsigned Next = H.target;
    Hop N = H.param >= 0 ? paramAlloc[Next].at(H.param) : blocks[Next];
    fn = Next;
    H = N;
  }
  blockEffect = -1;
}

void Program::computeHeldAcross() {
  auto Offer = [&](const Held &Hd, unsigned F, unsigned Depth, Hop Start) {
    if (!Hd.lock.known())
      return;
    auto It = heldAcross.find(Hd.lock.cls);
    if (It != heldAcross.end() && It->second.depth <= Depth)
      return;
    HeldAcross A;
    A.cls = Hd.lock.cls;
    A.holder = F;
    A.heldAt = Hd.at;
    A.depth = Depth;
    witnessPath(F, Start, A.calls, A.blockFn, A.blockEffect);
    if (A.blockEffect >= 0)
      heldAcross[A.cls] = std::move(A);
  };
  for (unsigned F = 0; F < fns.size(); ++F) {
    const FunctionSummary &Fn = *fns[F];
    for (size_t E = 0; E < Fn.effects.size(); ++E)
      if (blocksDirectly(Fn.effects[E]))
        for (const Held &Hd : Fn.effects[E].ctx.held)
          Offer(Hd, F, 0, Hop{0, static_cast<int>(E), -1, 0, -1});
    for (size_t C = 0; C < Fn.calls.size(); ++C) {
      const CallSite &Call = Fn.calls[C];
      if (Call.ctx.held.empty())
        continue;
      for (unsigned T : targets[F][C]) {
        Hop Best;
        if (blocks[T].valid())
          Best = Hop{blocks[T].depth + 1, -1, static_cast<int>(C), T, -1};
        for (const auto &[J, PA] : paramAlloc[T])
          if (J >= 0 && static_cast<size_t>(J) < Call.args.size() &&
              Call.args[J].gfp.kind == GfpVal::Reclaim && PA.depth + 1 < Best.depth)
            Best = Hop{PA.depth + 1, -1, static_cast<int>(C), T, J};
        if (Best.valid())
          for (const Held &Hd : Call.ctx.held)
            Offer(Hd, F, Best.depth, Best);
      }
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
      Out.why += ", and returned by '" + Fn.name + "'";
    } else if (R.kind == FenceVal::ReturnOf) {
      Out = returnsLr(R.callee);
      if (Out.kind == FenceVal::Lr)
        Out.why += ", and returned by '" + Fn.name + "'";
    }
  }
  returns_[key] = Out;
  return Out;
}

} // namespace fencedep::analyzer
