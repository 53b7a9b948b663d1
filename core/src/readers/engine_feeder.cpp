#include "fencedep/core/engine_feeder.h"

namespace fencedep {

namespace {
// An edge's stack is the one location its event came from.
class LocationStack final : public StackSource {
public:
  LocationStack(StackDepot &d, uint64_t pc) : depot_(d), pc_(pc) {}
  StackId capture() override { return pc_ ? depot_.put(&pc_, 1) : kNoStack; }

private:
  StackDepot &depot_;
  uint64_t pc_;
};
} // namespace

void EngineFeeder::begin_trace(uint32_t trace, bool signal_window) {
  trace_ = trace;
  signal_window_ = signal_window;
  engine_.set_trace(trace);
  last_key_ = ~0ull;
  last_ = nullptr;
}

EngineFeeder::Thread &EngineFeeder::thread(uint32_t tid) {
  uint64_t key = (uint64_t(trace_) << 32) | tid;
  if (key == last_key_)
    return *last_;
  std::unique_ptr<Thread> &slot = threads_[key];
  if (!slot) {
    slot = std::make_unique<Thread>();
    slot->state.reset(tid);
  }
  last_key_ = key;
  last_ = slot.get();
  return *slot;
}

void EngineFeeder::event(const ModelEvent &e) {
  ++events_;
  if (e.pid != pid_) {
    pid_ = e.pid;
    engine_.set_pid(e.pid);
  }
  Thread &th = thread(e.tid);
  ThreadState &t = th.state;
  LocationStack st(engine_.stacks(), e.pc);
  switch (e.op) {
  case ModelOp::Acquire:
    if (e.cls != kNoClass)
      engine_.acquire(t, e.cls, e.inst, e.read, e.is_try, e.pc, st);
    break;
  case ModelOp::AcquireBegin:
    if (e.cls != kNoClass)
      engine_.acquire_begin(t, e.cls, e.inst, e.read, st);
    break;
  case ModelOp::AcquireEnd:
    if (e.cls != kNoClass)
      engine_.acquire_end(t, e.cls, e.inst, e.read, false, e.pc);
    break;
  case ModelOp::Release:
    engine_.release(t, e.inst);
    break;
  case ModelOp::WaitBegin:
    if (e.cls != kNoClass)
      engine_.wait_begin(t, e.cls, e.inst, e.inst2, e.pc, st);
    break;
  case ModelOp::WaitEnd:
    engine_.wait_end(t, e.cls, e.inst, e.one_shot, e.pc);
    break;
  case ModelOp::Signal:
    if (e.cls == kNoClass)
      break;
    if (!signal_window_) {
      t.window_len = 0;
      t.window_pos = 0;
    }
    engine_.signal(t, e.cls, e.inst, e.pc, st);
    break;
  case ModelOp::SectionBegin:
    if (e.cls != kNoClass)
      th.sections.emplace_back(e.cls, engine_.section_begin(t, e.cls, e.inst, e.pc));
    break;
  case ModelOp::SectionEnd:
    for (size_t i = th.sections.size(); i > 0; --i) {
      if (th.sections[i - 1].first != e.cls)
        continue;
      engine_.section_end(t, th.sections[i - 1].second);
      th.sections.erase(th.sections.begin() + long(i - 1));
      break;
    }
    break;
  case ModelOp::MmBegin:
    engine_.mm_begin(t, e.label ? e.label : "mm", e.pc, st);
    break;
  case ModelOp::MmEnd:
    engine_.mm_end(t);
    break;
  case ModelOp::MightReclaim:
    engine_.might_reclaim(t, e.pc, st);
    break;
  case ModelOp::Await:
    if (e.cls != kNoClass && e.cls2 != kNoClass)
      engine_.await(t, e.cls, e.inst, e.cls2, e.inst2, e.pc, st);
    break;
  case ModelOp::FenceInit:
    engine_.fence_reset(e.inst);
    break;
  case ModelOp::ResvAttach:
    if (e.cls != kNoClass)
      engine_.resv_attach(t, e.cls, e.inst, e.pc, st);
    break;
  case ModelOp::Export:
    if (e.cls != kNoClass)
      engine_.fence_export(t, e.cls, e.inst, e.pc, st);
    break;
  case ModelOp::ContextReset:
    t.reset(e.tid);
    th.sections.clear();
    break;
  case ModelOp::ContentionBegin:
  case ModelOp::ContentionEnd:
  case ModelOp::JobRun:
  case ModelOp::JobDone:
    break; // the timeline's: the lock's own acquire carries the ordering
  }
}

} // namespace fencedep
