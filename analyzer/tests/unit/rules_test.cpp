// Rule loading: the bundled file, merging a driver's file, and errors with
// line and column for bad files.
#include "fencedep/analyzer/rules.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace fencedep::analyzer;

namespace {

bool has(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

TEST(Rules, DefaultFileLoadsAndIndexes) {
  RuleSet R;
  std::string Error;
  ASSERT_TRUE(loadRules({}, false, R, Error)) << Error;
  ASSERT_EQ(R.files.size(), 1u);

  const ApiInfo *Wait = R.lookup("dma_fence_wait");
  ASSERT_NE(Wait, nullptr);
  EXPECT_EQ(Wait->wait, 0);
  const ApiInfo *ResvWait = R.lookup("dma_resv_wait_timeout");
  ASSERT_NE(ResvWait, nullptr);
  EXPECT_EQ(ResvWait->wait, -1); // waits without naming a fence

  const ApiInfo *Attach = R.lookup("drm_gpuvm_resv_add_fence");
  ASSERT_NE(Attach, nullptr);
  EXPECT_EQ(Attach->attach, 2);

  const ApiInfo *Kcalloc = R.lookup("kcalloc");
  ASSERT_NE(Kcalloc, nullptr);
  EXPECT_EQ(Kcalloc->alloc, 2);
  EXPECT_EQ(R.lookup("vmalloc")->alloc, -1);

  // One name, several meanings.
  const ApiInfo *AddCb = R.lookup("dma_fence_add_callback");
  ASSERT_NE(AddCb, nullptr);
  EXPECT_EQ(AddCb->dependency, 0);
  EXPECT_EQ(AddCb->callbackArgs.size(), 2u);

  const ApiInfo *ResvLock = R.lookup("dma_resv_lock");
  ASSERT_NE(ResvLock, nullptr);
  EXPECT_EQ(ResvLock->lockOp, ApiInfo::LockOp::Acquire);
  const LockFamily &Resv = R.locks[ResvLock->lockFamily];
  EXPECT_EQ(Resv.lockClass, "dma_resv");
  EXPECT_TRUE(Resv.mm && Resv.resv && Resv.sleeps);
  EXPECT_EQ(R.lookup("dma_resv_trylock")->lockOp, ApiInfo::LockOp::Trylock);
  EXPECT_FALSE(R.locks[R.lookup("spin_lock")->lockFamily].sleeps);

  EXPECT_TRUE(R.lookup("xe_vm_in_lr_mode")->lrPredicate);
  EXPECT_TRUE(R.isGfpReclaim("GFP_KERNEL"));
  EXPECT_TRUE(R.isGfpNoReclaim("GFP_ATOMIC"));
  EXPECT_FALSE(R.isGfpReclaim("GFP_ATOMIC"));
  EXPECT_EQ(R.lookup("kfree"), nullptr);

  auto Kinds = R.contextsOfField("dma_fence_ops", "enable_signaling");
  EXPECT_EQ(Kinds.size(), 2u); // a signalling root and an atomic callback
  auto Mm = R.contextsOfField("mmu_interval_notifier_ops", "invalidate");
  ASSERT_EQ(Mm.size(), 1u);
  EXPECT_EQ(Mm[0], ContextKind::MmContext);
  EXPECT_TRUE(R.contextsOfField("drm_sched_backend_ops", "free_job").empty());
}

TEST(Rules, DriverFileAddsToDefault) {
  RuleSet R;
  std::string Error;
  ASSERT_TRUE(loadRules({}, false, R, Error)) << Error;
  ASSERT_TRUE(loadRuleText("version: 1\n"
                           "fences:\n"
                           "  wait:\n"
                           "    - { name: mydrv_wait, fence: 1 }\n"
                           "contexts:\n"
                           "  signalling-roots:\n"
                           "    - { ops: mydrv_ops, field: submit }\n",
                           "mydrv.yaml", R, Error))
      << Error;
  EXPECT_EQ(R.files.size(), 2u);
  ASSERT_NE(R.lookup("mydrv_wait"), nullptr);
  EXPECT_EQ(R.lookup("mydrv_wait")->wait, 1);
  EXPECT_NE(R.lookup("dma_fence_wait"), nullptr); // the default stays
  EXPECT_EQ(R.contextsOfField("mydrv_ops", "submit").size(), 1u);
  EXPECT_TRUE(has(R.namesWhere([](const ApiInfo &I) { return I.isWait(); }), "mydrv_wait"));
}

struct BadCase {
  const char *name;
  const char *text;
  const char *error; // expected message, with line:col
};

// Names the case in test listings (CTest test names must be stable).
void PrintTo(const BadCase &C, std::ostream *OS) { *OS << C.name; }

class BadRules : public testing::TestWithParam<BadCase> {};

TEST_P(BadRules, ReportsLineAndColumn) {
  RuleSet R;
  std::string Error;
  EXPECT_FALSE(loadRuleText(GetParam().text, "bad.yaml", R, Error));
  EXPECT_EQ(Error, GetParam().error);
  EXPECT_TRUE(R.files.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Rules, BadRules,
    testing::Values(
        BadCase{"unknown_key", "version: 1\nfences:\n  wait:\n    - { name: w, fence-arg: 0 }\n",
                "bad.yaml:4:18: error: unknown key 'fence-arg'"},
        BadCase{"missing_key", "version: 1\nfences:\n  wait:\n    - { fence: 0 }\n",
                "bad.yaml:4:9: error: missing required key 'name'"},
        BadCase{"bad_number", "version: 1\nallocations:\n  functions:\n    - { name: k, gfp: two }\n",
                "bad.yaml:4:23: error: invalid number"},
        BadCase{"bad_version", "version: 2\n",
                "bad.yaml:1:1: error: unsupported rules 'version' (this fencedep reads version 1)"},
        BadCase{"no_version", "fences: {}\n", "bad.yaml:1:1: error: missing required key 'version'"},
        BadCase{"empty", "", "bad.yaml:1:1: error: empty rules file (expected a mapping with 'version: 1')"},
        BadCase{"empty_lock", "version: 1\nlocks:\n  - { class: x, acquire: [] }\n",
                "bad.yaml:3:7: error: a lock needs at least one 'acquire' function"},
        BadCase{"unclosed_list", "version: 1\nsleeping: [a, b\n",
                "bad.yaml:2:16: error: Could not find closing ]!"},
        BadCase{"comments_only", "# nothing\n\n",
                "bad.yaml:1:1: error: empty rules file (expected a mapping with 'version: 1')"}),
    [](const testing::TestParamInfo<BadCase> &I) { return std::string(I.param.name); });

TEST(Rules, MissingFile) {
  RuleSet R;
  std::string Error;
  EXPECT_FALSE(loadRuleFile("/nonexistent/rules.yaml", R, Error));
  EXPECT_NE(Error.find("/nonexistent/rules.yaml: error: cannot read rules file"),
            std::string::npos)
      << Error;
}

} // namespace
