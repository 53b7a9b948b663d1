// Shared fixtures for the core unit tests: a fake stack source and symbolizer,
// an engine harness with one ThreadState per simulated thread, and helpers to
// create classes and drain reports.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fencedep/core/engine.h"
#include "fencedep/core/report_builder.h"
#include "fencedep/core/report_printer.h"

namespace fdtest {

using namespace fencedep;

// A stack source that records a synthetic stack in the engine's depot: each
// capture is {base + 1, base + 2, base + 3} for the current `base`, so tests
// can tell which event's stack an edge kept.
class FakeStacks final : public StackSource {
public:
  explicit FakeStacks(StackDepot &d) : depot_(d) {}
  StackId capture() override {
    ++captures;
    uint64_t pcs[3] = {base + 1, base + 2, base + 3};
    return depot_.put(pcs, 3);
  }
  uint64_t base = 0x1000;
  unsigned captures = 0;

private:
  StackDepot &depot_;
};

// Symbolizes pc P as function "fn_<hex P>" in "/src/scenario.c", line P & 0xfff.
class FakeSymbolizer final : public Symbolizer {
public:
  void symbolize(uint64_t pc, bool is_return, FrameView *out) override {
    ++calls;
    out->pc = pc;
    out->module = "/usr/lib/libscenario.so";
    out->offset = pc >= 0x400000 ? pc - 0x400000 : pc;
    std::snprintf(names_[next_ % 64], sizeof names_[0], "fn_%llx",
                  static_cast<unsigned long long>(pc));
    out->function = names_[next_ % 64];
    ++next_;
    out->file = "/src/scenario.c";
    out->line = uint32_t(pc & 0xfff);
    out->column = 0;
  }
  unsigned calls = 0;

private:
  char names_[64][32];
  unsigned next_ = 0;
};

// One engine plus simulated threads. Small tables keep tests quick.
class EngineHarness {
public:
  explicit EngineHarness(bool report_gated = false, bool defer_cycle_search = false,
                         uint32_t shared_edge_cache_bits = 0, bool report_predicted = true)
      : engine_(new Engine) {
    EngineOptions o;
    o.pid = 4242;
    o.report_gated = report_gated;
    o.report_predicted = report_predicted;
    o.defer_cycle_search = defer_cycle_search;
    o.shared_edge_cache_bits = shared_edge_cache_bits;
    o.max_classes = 4096;
    o.max_edges = 1u << 15;
    ok_ = engine_->init(o);
    stacks_.reset(new FakeStacks(engine_->stacks()));
  }
  bool ok() const { return ok_; }
  Engine &e() { return *engine_; }
  FakeStacks &st() { return *stacks_; }

  ThreadState &thread(uint32_t tid) {
    auto &p = threads_[tid];
    if (!p) {
      p.reset(new ThreadState());
      p->reset(tid);
    }
    return *p;
  }

  ClassId cls(const char *name, ClassKind kind = ClassKind::Mutex, uint32_t flags = 0) {
    return engine_->classes().get_or_create(class_key_for_name(kind, name), kind, name,
                                            SiteRef{}, flags);
  }

  // A class made at a creation site, not named by the program (names make
  // every object of a class one, see docs/model.md).
  ClassId site_cls(const char *label, ClassKind kind = ClassKind::Mutex) {
    SiteRef site;
    site.module = "/usr/bin/scenario";
    site.offset = hash_string(label) & 0xffff;
    return engine_->classes().get_or_create(class_key_for_site(kind, site.module, site.offset),
                                            kind, nullptr, site);
  }

  // Event shorthands. Instance ids default to a value derived from the class,
  // one instance per class, as for private locks.
  static uint64_t inst_of(ClassId c) { return 0x10000 + uint64_t(c) * 0x40; }
  void lock(uint32_t tid, ClassId c, uint64_t inst = 0, bool read = false) {
    engine_->acquire(thread(tid), c, inst ? inst : inst_of(c), read, false, pc_++, *stacks_);
  }
  void trylock(uint32_t tid, ClassId c, uint64_t inst = 0) {
    engine_->acquire(thread(tid), c, inst ? inst : inst_of(c), false, true, pc_++, *stacks_);
  }
  void unlock(uint32_t tid, ClassId c, uint64_t inst = 0) {
    engine_->release(thread(tid), inst ? inst : inst_of(c));
  }
  void wait(uint32_t tid, ClassId w, bool one_shot, uint64_t released_inst = 0) {
    engine_->wait_begin(thread(tid), w, inst_of(w), released_inst, pc_++, *stacks_);
    engine_->wait_end(thread(tid), w, inst_of(w), one_shot, pc_++);
  }
  void wait_begin(uint32_t tid, ClassId w, uint64_t released_inst = 0) {
    engine_->wait_begin(thread(tid), w, inst_of(w), released_inst, pc_++, *stacks_);
  }
  void signal(uint32_t tid, ClassId w) {
    engine_->signal(thread(tid), w, inst_of(w), pc_++, *stacks_);
  }
  // Waits and signals on one object `inst` of class `w`.
  void wait_begin_on(uint32_t tid, ClassId w, uint64_t inst, uint64_t released_inst = 0) {
    engine_->wait_begin(thread(tid), w, inst, released_inst, pc_++, *stacks_);
  }
  void wait_end_on(uint32_t tid, ClassId w, uint64_t inst) {
    engine_->wait_end(thread(tid), w, inst, false, pc_++);
  }
  void signal_on(uint32_t tid, ClassId w, uint64_t inst) {
    engine_->signal(thread(tid), w, inst, pc_++, *stacks_);
  }

  std::vector<PendingReport> drain() {
    std::vector<PendingReport> out;
    PendingReport r;
    while (engine_->pop_report(&r))
      out.push_back(r);
    return out;
  }

  // The classes along a cycle report, as from-classes in chain order.
  std::vector<ClassId> cycle_from(const PendingReport &r) {
    std::vector<ClassId> v;
    for (uint32_t i = 0; i < r.cycle.size; ++i)
      v.push_back(engine_->graph().edge(r.cycle.edges[i]).from);
    return v;
  }

  bool has_edge(ClassId a, ClassId b) const {
    return engine_->graph().find_edge(a, b) != kNoEdge;
  }

  // Full text / JSON of a pending report, via the builder and printer.
  std::string text(const PendingReport &p) {
    ReportView v;
    build_report_view(*engine_, p, sym_, *scratch_, &v);
    std::string s(1 << 16, '\0');
    BufferWriter w(s.data(), s.size());
    print_report_text(v, w);
    s.resize(w.size());
    return s;
  }
  std::string json(const PendingReport &p) {
    ReportView v;
    build_report_view(*engine_, p, sym_, *scratch_, &v);
    std::string s(1 << 16, '\0');
    BufferWriter w(s.data(), s.size());
    print_report_json(v, w);
    s.resize(w.size());
    return s;
  }
  ReportView view(const PendingReport &p) {
    ReportView v;
    build_report_view(*engine_, p, sym_, *scratch_, &v);
    return v;
  }

private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<FakeStacks> stacks_;
  std::map<uint32_t, std::unique_ptr<ThreadState>> threads_;
  FakeSymbolizer sym_;
  std::unique_ptr<ReportScratch> scratch_{new ReportScratch};
  uint64_t pc_ = 0x401000;
  bool ok_ = false;
};

} // namespace fdtest
