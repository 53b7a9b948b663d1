// Summary files: what is written reads back the same, and damaged files
// are refused with their name.
#include "fencedep/analyzer/summary.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace fencedep::analyzer;

namespace {

TuSummary sample() {
  TuSummary T;
  T.file = "/src/a.c";
  FunctionSummary F;
  F.key = "helper@/src/a.c";
  F.name = "helper";
  F.loc = {"/src/a.c", 3, 13, 0};
  Effect E;
  E.kind = EffectKind::Alloc;
  E.api = "kmalloc";
  E.loc = {"/src/a.c", 4, 10, 0};
  E.gfp.kind = GfpVal::Param;
  E.gfp.param = 1;
  E.gfp.spelling = "gfp";
  E.ctx.held.push_back({LockRef{"dev.lock", -1}, {"/src/a.c", 3, 20, 0}, false, false});
  E.ctx.inSection = true;
  E.ctx.sectionBegin = {"/src/a.c", 2, 3, 0};
  E.ctx.lrGuard = Tri::False;
  E.ctx.guardLoc = {"/src/a.c", 2, 7, 0};
  E.ctx.guardText = "xe_vm_in_lr_mode(vm)";
  F.effects.push_back(E);
  CallSite C;
  C.callee = "field:drm_sched_backend_ops.run_job";
  C.calleeName = "drm_sched_backend_ops.run_job";
  C.loc = {"/src/a.c", 5, 3, 0};
  ArgVal A;
  A.fence.kind = FenceVal::Lr;
  A.fence.origin = {"/src/a.c", 1, 1, 0};
  A.fence.why = "marked";
  C.args.push_back(A);
  C.args.push_back({});
  F.calls.push_back(C);
  F.returns.kind = FenceVal::ReturnOf;
  F.returns.callee = "make";
  F.sectionIssues.push_back({SectionIssueKind::OpenAtExit, "dma_fence_begin_signalling",
                             {"/src/a.c", 2, 3, 0}, {"/src/a.c", 9, 5, 0}});
  T.functions.push_back(F);
  T.roles.push_back({RoleKind::MmContext, "helper@/src/a.c", "helper", "shrinker.scan_objects",
                     {"/src/a.c", 12, 20, 0}});
  T.fieldTargets.push_back({"shrinker.scan_objects", "helper@/src/a.c", {}});
  T.errors.push_back("/src/a.c:1:1: error: oops");
  return T;
}

TEST(SummaryIo, RoundTrip) {
  std::string Json = writeSummariesJson({sample()});
  std::vector<TuSummary> Back;
  std::string Error;
  ASSERT_TRUE(readSummariesJson(Json, "s.json", Back, Error)) << Error;
  ASSERT_EQ(Back.size(), 1u);
  // Written again, the summary is byte for byte what it was.
  EXPECT_EQ(writeSummariesJson(Back), Json);
  const FunctionSummary &F = Back[0].functions.at(0);
  EXPECT_EQ(F.effects.at(0).gfp.kind, GfpVal::Param);
  EXPECT_EQ(F.effects.at(0).ctx.held.at(0).lock.cls, "dev.lock");
  EXPECT_EQ(F.effects.at(0).ctx.lrGuard, Tri::False);
  EXPECT_EQ(F.calls.at(0).args.size(), 2u);
  EXPECT_EQ(F.calls.at(0).args[0].fence.kind, FenceVal::Lr);
  EXPECT_EQ(F.sectionIssues.at(0).other.line, 9u);
  EXPECT_EQ(Back[0].roles.at(0).kind, RoleKind::MmContext);
  EXPECT_EQ(Back[0].errors.at(0), "/src/a.c:1:1: error: oops");
}

TEST(SummaryIo, RefusesDamage) {
  std::vector<TuSummary> Out;
  std::string Error;
  EXPECT_FALSE(readSummariesJson("{", "x.json", Out, Error));
  EXPECT_EQ(Error.rfind("x.json: error: not JSON", 0), 0u) << Error;
  EXPECT_FALSE(readSummariesJson("{\"tus\": []}", "y.json", Out, Error));
  EXPECT_EQ(Error.rfind("y.json: error: not a fencedep summary file", 0), 0u) << Error;
  EXPECT_FALSE(readSummariesJson(
      "{\"fencedep-summaries\": 1, \"tus\": [{\"functions\": [{\"name\": \"f\"}]}]}", "z.json",
      Out, Error));
  EXPECT_EQ(Error.rfind("z.json: error: ", 0), 0u) << Error;
  EXPECT_FALSE(readSummariesJson("{\"fencedep-summaries\": 1, \"tus\": [{\"functions\": [{\"key\": "
                                 "\"f\", \"effects\": [{\"kind\": 99}]}]}]}",
                                 "k.json", Out, Error));
  EXPECT_NE(Error.find("unknown effect kind"), std::string::npos) << Error;
}

// Written one TU per line, read one TU per line: a damaged TU is named by
// its line, a file cut short (a crashed shard) is refused.
TEST(SummaryIo, OneTuPerLine) {
  TuSummary A = sample(), B = sample();
  B.file = "/src/b.c";
  B.module = "xe";
  std::string Json = writeSummariesJson({A, B});
  EXPECT_EQ(std::count(Json.begin(), Json.end(), '\n'), 4);
  std::vector<TuSummary> Back;
  std::string Error;
  ASSERT_TRUE(readSummariesJson(Json, "s.json", Back, Error)) << Error;
  ASSERT_EQ(Back.size(), 2u);
  EXPECT_EQ(Back[1].module, "xe");

  std::string Cut = Json.substr(0, Json.rfind("]}"));
  Back.clear();
  EXPECT_FALSE(readSummariesJson(Cut, "cut.json", Back, Error));
  EXPECT_NE(Error.find("cut.json: error: summary file cut short"), std::string::npos) << Error;

  std::string Damaged = Json;
  Damaged.replace(Damaged.find("\"functions\"", Damaged.find('\n', Damaged.find('\n') + 1)), 11,
                  "\"functions\":{");
  Back.clear();
  EXPECT_FALSE(readSummariesJson(Damaged, "d.json", Back, Error));
  EXPECT_EQ(Error.rfind("d.json:3: error:", 0), 0u) << Error;
}

} // namespace
