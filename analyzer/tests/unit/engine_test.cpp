// The engine on hand-made summaries: what crosses TUs, what bindings
// decide, and what must stay silent.
#include "fencedep/analyzer/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

using namespace fencedep::analyzer;

namespace {

Loc at(const char *File, unsigned Line) { return {File, Line, 1, 0}; }

FunctionSummary fn(const std::string &Name) {
  FunctionSummary F;
  F.key = Name;
  F.name = Name;
  F.loc = at("x.c", 1);
  return F;
}

CallSite call(const std::string &Callee, Loc L, std::vector<ArgVal> Args = {}) {
  CallSite C;
  C.callee = Callee;
  C.calleeName = Callee;
  C.loc = L;
  C.args = std::move(Args);
  return C;
}

Effect alloc(GfpVal G, Loc L) {
  Effect E;
  E.kind = EffectKind::Alloc;
  E.api = "kmalloc";
  E.gfp = G;
  E.loc = L;
  return E;
}

GfpVal gfp(GfpVal::Kind K, int Param = -1, const char *Spelling = "") {
  GfpVal G;
  G.kind = K;
  G.param = Param;
  G.spelling = Spelling;
  return G;
}

Role runJob(const std::string &Fn) {
  return {RoleKind::SignallingRoot, Fn, Fn, "drm_sched_backend_ops.run_job", at("a.c", 50)};
}

std::vector<Finding> only(const std::vector<Finding> &All, CheckId Id) {
  std::vector<Finding> Out;
  for (const Finding &F : All)
    if (F.check == Id)
      Out.push_back(F);
  return Out;
}

// run_job (TU a) -> wrap(gfp) (TU b) -> kmalloc(gfp): the caller's gfp decides.
TEST(Engine, GfpBindingAcrossTus) {
  TuSummary A, B;
  FunctionSummary Run = fn("run");
  ArgVal Kernel, Atomic;
  Kernel.gfp = gfp(GfpVal::Reclaim, -1, "GFP_KERNEL");
  Atomic.gfp = gfp(GfpVal::NoReclaim, -1, "GFP_ATOMIC");
  Run.calls.push_back(call("wrap", at("a.c", 10), {{}, Kernel}));
  Run.calls.push_back(call("wrap2", at("a.c", 11), {{}, Atomic}));
  A.functions.push_back(Run);
  A.roles.push_back(runJob("run"));
  FunctionSummary Wrap = fn("wrap"), Wrap2 = fn("wrap2");
  Wrap.effects.push_back(alloc(gfp(GfpVal::Param, 1), at("b.c", 20)));
  Wrap2.effects.push_back(alloc(gfp(GfpVal::Param, 1), at("b.c", 30)));
  B.functions.push_back(Wrap);
  B.functions.push_back(Wrap2);

  auto Found = only(analyzeProgram({A, B}), CheckId::SignallingAlloc);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].loc.file, "b.c");
  EXPECT_EQ(Found[0].loc.line, 20u);
  EXPECT_NE(Found[0].message.find("GFP_KERNEL"), std::string::npos);
  ASSERT_EQ(Found[0].notes.size(), 2u); // the root, then the call
  EXPECT_EQ(Found[0].notes[0].loc.line, 50u);
  EXPECT_EQ(Found[0].notes[1].loc.line, 10u);
  EXPECT_EQ(Found[0].notes[1].depth, 1u);
}

// Recursion terminates, and the finding keeps the shortest path.
TEST(Engine, RecursionAndShortestPath) {
  TuSummary T;
  FunctionSummary Run = fn("run"), P = fn("p"), Q = fn("q");
  Run.calls.push_back(call("p", at("a.c", 2)));
  Run.calls.push_back(call("q", at("a.c", 3)));
  P.calls.push_back(call("q", at("a.c", 5)));
  Q.calls.push_back(call("p", at("a.c", 7)));
  Effect W;
  W.kind = EffectKind::Wait;
  W.api = "dma_fence_wait";
  W.loc = at("a.c", 8);
  Q.effects.push_back(W);
  T.functions = {Run, P, Q};
  T.roles.push_back(runJob("run"));
  auto Found = only(analyzeProgram({T}), CheckId::SignallingWait);
  ASSERT_EQ(Found.size(), 1u);
  ASSERT_EQ(Found[0].notes.size(), 2u);
  EXPECT_EQ(Found[0].notes[1].loc.line, 3u); // run -> q directly
}

// Calls through ops-table fields reach every function stored there.
TEST(Engine, FieldTargets) {
  TuSummary T;
  FunctionSummary Main = fn("main_loop"), Impl = fn("impl");
  Effect W;
  W.kind = EffectKind::Wait;
  W.api = "dma_fence_wait";
  W.loc = at("b.c", 4);
  Impl.effects.push_back(W);
  CallSite C = call("field:ops.run", at("a.c", 9));
  C.calleeName = "ops.run";
  C.ctx.inSection = true;
  C.ctx.sectionBegin = at("a.c", 8);
  Main.calls.push_back(C);
  T.functions = {Main, Impl};
  T.fieldTargets.push_back({"ops.run", "impl", {}});
  auto Found = only(analyzeProgram({T}), CheckId::SignallingWait);
  ASSERT_EQ(Found.size(), 1u);
  ASSERT_EQ(Found[0].notes.size(), 2u);
  EXPECT_EQ(Found[0].notes[0].message, "the dma-fence signalling section begins here");
  EXPECT_EQ(Found[0].notes[1].message, "'main_loop' calls 'ops.run' here, which is 'impl'");
}

// An LR fence returned by one TU and attached by a helper of another; the
// same helper with an ordinary fence, or under the negated predicate, is
// not reported.
TEST(Engine, LongRunningAcrossTus) {
  TuSummary A, B;
  FunctionSummary Make = fn("make"), Pub = fn("publish"), User = fn("user"), Guarded = fn("guarded");
  Make.returns.kind = FenceVal::Lr;
  Make.returns.origin = at("b.c", 3);
  Make.returns.why = "marked long-running by 'dma_fence_set_lr()'";
  Effect Attach;
  Attach.kind = EffectKind::Attach;
  Attach.api = "dma_resv_add_fence";
  Attach.loc = at("b.c", 12);
  Attach.fence.kind = FenceVal::Param;
  Attach.fence.param = 0;
  Pub.effects.push_back(Attach);
  ArgVal FromMake;
  FromMake.fence.kind = FenceVal::ReturnOf;
  FromMake.fence.callee = "make";
  User.calls.push_back(call("publish", at("a.c", 5), {FromMake}));
  CallSite Plain = call("publish", at("a.c", 6), {ArgVal{}});
  User.calls.push_back(Plain);
  CallSite Neg = call("publish", at("a.c", 20), {FromMake});
  Neg.ctx.lrGuard = Tri::False;
  Guarded.calls.push_back(Neg);
  A.functions = {User, Guarded};
  B.functions = {Make, Pub};
  auto Found = only(analyzeProgram({A, B}), CheckId::LrResvAttach);
  ASSERT_EQ(Found.size(), 1u);
  EXPECT_EQ(Found[0].loc.line, 12u);
  // One finding for the sink, whichever caller's path explains it (an
  // explicitly long-running fence is long-running under any guard).
  auto Has = [&](const std::string &Text) {
    return std::any_of(Found[0].notes.begin(), Found[0].notes.end(),
                       [&](const Note &N) { return N.message.find(Text) != std::string::npos; });
  };
  EXPECT_TRUE(Has("returned by 'make'"));
  // The other function handing the fence over is counted, not repeated.
  EXPECT_TRUE(Has("1 other context(s) reach this too: "));
}

TEST(Engine, NothingWithoutContext) {
  TuSummary T;
  FunctionSummary F = fn("f");
  F.effects.push_back(alloc(gfp(GfpVal::Reclaim, -1, "GFP_KERNEL"), at("a.c", 3)));
  Effect W;
  W.kind = EffectKind::Wait;
  W.api = "dma_fence_wait";
  W.loc = at("a.c", 4);
  F.effects.push_back(W);
  T.functions = {F};
  EXPECT_TRUE(analyzeProgram({T}).empty());
}

TEST(Checks, NamesRoundTrip) {
  for (unsigned I = 0; I < kNumChecks; ++I) {
    auto Id = static_cast<CheckId>(I);
    auto Back = checkByName(checkName(Id));
    ASSERT_TRUE(Back.has_value());
    EXPECT_EQ(*Back, Id);
    EXPECT_EQ(std::string(checkName(Id)).rfind("fence-", 0), 0u);
  }
  EXPECT_FALSE(checkByName("fence-nonsense").has_value());
}

// Every check has its page in docs/checks/, opening with the check's summary.
TEST(Checks, EachHasItsDocPage) {
  for (unsigned I = 0; I < kNumChecks; ++I) {
    auto Id = static_cast<CheckId>(I);
    std::string Path = std::string(FENCEDEP_DOCS_CHECKS_DIR) + "/" + checkName(Id) + ".md";
    std::ifstream In(Path);
    ASSERT_TRUE(In.good()) << Path;
    std::string Title, Blank, Summary;
    std::getline(In, Title);
    std::getline(In, Blank);
    std::getline(In, Summary);
    EXPECT_EQ(Title, std::string("# ") + checkName(Id)) << Path;
    EXPECT_EQ(Summary, checkSummary(Id)) << Path;
  }
}

} // namespace
