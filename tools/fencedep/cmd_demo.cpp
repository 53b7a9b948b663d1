// `fencedep demo`: runs the bundled examples, one per door, and says what
// each shows. Exits 0 when every example found what it is meant to find.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include <unistd.h>

#include "process.h"
#include "runner.h"
#include "runtime_env.h"

namespace fencedep::cli {

namespace {

struct DemoOptions {
  std::string runtime;
  std::vector<std::string> only; // example names; empty: all
  bool list = false;
};

// One bundled example. Later doors (static pass, offline analysis) add
// entries to examples() with their own `run`.
struct Example {
  const char *name;   // for `fencedep demo NAME`
  const char *door;   // runtime, static, offline
  const char *title;
  const char *source; // under the source tree
  // What happens in it and what fencedep should say about it.
  const char *story;
  // Runs it, printing as it goes; true when the expected finding appeared.
  std::function<bool(const DemoOptions &)> run;
};

bool mentions_class(OwnedReport &r, const char *name) {
  ReportView v = r.view();
  auto is = [&](const ClassView &c) { return c.name && std::strcmp(c.name, name) == 0; };
  for (uint32_t i = 0; i < v.nchain; ++i)
    if (is(v.chain[i].from) || is(v.chain[i].to))
      return true;
  return is(v.subject);
}

// Runs a demo program under the runtime exactly as `fencedep run` would and
// looks for a report of `kind` involving class `cls`.
bool run_runtime_example(const DemoOptions &d, const char *program, ReportKind kind,
                         const char *cls) {
  RunOptions opts;
  opts.command = {self_dir() + "/" + program};
  opts.runtime = d.runtime;
  std::printf("  $ fencedep run -- %s\n\n", opts.command[0].c_str());
  RunOutcome outcome;
  run_under_runtime(opts, &outcome);
  if (!outcome.started)
    return false;
  for (OwnedReport &r : outcome.reports)
    if (r.fields.kind == kind && mentions_class(r, cls))
      return true;
  return false;
}

// Runs this same fencedep binary on a subcommand over files of the source
// tree, as a user would type it; true when it exits with `expected`.
bool run_self_example(const std::vector<std::string> &args, int expected) {
  std::string self = self_dir() + "/fencedep";
  std::vector<std::string> argv = {"fencedep"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::printf("  $ fencedep");
  for (size_t i = 1; i < argv.size(); ++i)
    std::printf(" %s", argv[i].c_str());
  std::printf("\n\n");
  std::fflush(stdout);
  std::vector<std::string> env;
  for (char **e = environ; e && *e; ++e)
    env.emplace_back(*e);
  ChildExit r = spawn_and_wait(self, argv, env);
  return r.exec_errno == 0 && r.status == expected;
}

std::string source_path(const char *rel) { return std::string(FENCEDEP_SOURCE_DIR "/") + rel; }

std::vector<Example> examples() {
  return {
      {"jobs", "runtime", "a GPU job queue with a latent fence deadlock",
       "testdata/demo/gpu_job_queue.c",
       "queue_flush() waits for a job's fence while holding the queue lock; the\n"
       "scheduler takes the queue lock to pick the job before it signals that fence.\n"
       "This run is sequenced so the scheduler always picks first, so it never hangs,\n"
       "yet fencedep predicts the deadlock from the order of events: a wait-cycle\n"
       "between fence class gpu-ring and the queue lock (named by the line that\n"
       "initialises it), with the stack where each dependency was first seen.",
       [](const DemoOptions &d) {
         return run_runtime_example(d, "fencedep-demo-jobs", ReportKind::WaitCycle, "gpu-ring");
       }},
      {"driver", "static", "dma-fence signalling rules across a driver's files",
       "testdata/static/cross-tu/driver/",
       "A small DRM-style driver in four files. Its scheduler's run_job (a\n"
       "dma-fence signalling root) calls into the ring code in another file, which\n"
       "allocates with GFP_KERNEL (reclaim may wait on fences) and takes a lock\n"
       "that elsewhere is held across a fence wait; a long-running fence reaches a\n"
       "reservation object. `fencedep check` summarises every file, joins the\n"
       "summaries and reports each finding with the call path across files.",
       [](const DemoOptions &) {
         std::vector<std::string> args = {"check"};
         for (const char *f : {"lr.c", "pm.c", "ring.c", "sched.c"})
           args.push_back(source_path("testdata/static/cross-tu/driver/") + f);
         for (const char *a : {"--", "-std=gnu11", "-nostdinc"})
           args.emplace_back(a);
         args.push_back("-I" + source_path("testdata/static/include"));
         return run_self_example(args, 1);
       }},
      {"kernel-trace", "offline", "a kernel trace of the dma-fence / reclaim inversion",
       "testdata/traces/kernel/fence_reclaim.ftrace",
       "A tracefs capture from a lockdep-enabled kernel: a job's signalling section\n"
       "(the dma_fence_map lockdep map) takes a mutex and allocates under it, while\n"
       "kswapd, in reclaim, holds that mutex's class and waits for a fence. Neither\n"
       "hung; `fencedep analyze` replays the events into the same model the runtime\n"
       "uses and reports the cycle with the trace line of each edge.",
       [](const DemoOptions &) {
         return run_self_example(
             {"analyze", "--no-symbolize", source_path("testdata/traces/kernel/fence_reclaim.ftrace")},
             66);
       }},
  };
}

int run_demo(const DemoOptions &d) {
  std::vector<Example> all = examples();
  if (d.list) {
    for (const Example &e : all)
      std::printf("%-8s %-8s %s (%s)\n", e.name, e.door, e.title, e.source);
    return 0;
  }
  for (const std::string &name : d.only) {
    auto named = [&](const Example &e) { return name == e.name; };
    if (std::none_of(all.begin(), all.end(), named)) {
      std::fprintf(stderr, "fencedep: no example '%s'; `fencedep demo --list` shows them\n",
                   name.c_str());
      return kExitToolError;
    }
  }
  std::vector<const Example *> chosen;
  for (const Example &e : all)
    if (d.only.empty() || std::find(d.only.begin(), d.only.end(), e.name) != d.only.end())
      chosen.push_back(&e);
  unsigned ok = 0, n = 0;
  for (const Example *e : chosen) {
    ++n;
    std::printf("== example %u/%zu: %s door: %s\n   source: %s\n\n", n, chosen.size(), e->door,
                e->title, e->source);
    for (const char *p = e->story; *p;) {
      const char *nl = std::strchr(p, '\n');
      size_t len = nl ? size_t(nl - p) : std::strlen(p);
      std::printf("  %.*s\n", int(len), p);
      p += len + (nl ? 1 : 0);
    }
    std::printf("\n");
    bool found = e->run(d);
    std::fflush(stderr);
    std::printf("\n== %s: %s\n\n", e->name,
                found ? "found the expected report" : "FAILED: the expected report did not appear");
    ok += found;
  }
  std::printf("fencedep demo: %u of %u examples found what they should\n", ok, n);
  return ok == n ? 0 : 1;
}

} // namespace

void register_demo(CLI::App &app) {
  auto d = std::make_shared<DemoOptions>();
  CLI::App *sub = app.add_subcommand("demo", "Run the bundled examples and explain what they show");
  sub->add_option("examples", d->only, "Run only these examples (see --list)")->type_name("NAME");
  sub->add_flag("--list", d->list, "List the examples");
  sub->add_option("--runtime", d->runtime, "The runtime library (as for `run`)")->type_name("PATH");
  set_action(*sub, [d] { return run_demo(*d); });
}

} // namespace fencedep::cli
