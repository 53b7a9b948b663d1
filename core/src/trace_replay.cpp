#include "fencedep/core/trace_replay.h"

#include <string>

namespace fencedep {

namespace {
// Each replayed edge keeps the pc of the event as its one-frame stack.
class PcStack final : public StackSource {
public:
  PcStack(StackDepot &d, uint64_t pc) : depot_(d), pc_(pc) {}
  StackId capture() override { return pc_ ? depot_.put(&pc_, 1) : kNoStack; }

private:
  StackDepot &depot_;
  uint64_t pc_;
};
} // namespace

ThreadState &TraceReplayer::thread(const Run &run, uint32_t tid) {
  auto [it, inserted] = threads_.try_emplace(std::make_pair(run.image, tid));
  if (inserted)
    it->second.reset(tid);
  return it->second;
}

const ReplayModule *TraceReplayer::module_for(uint32_t pid, uint64_t pc) const {
  auto it = modules_.find(pid);
  if (it == modules_.end())
    return nullptr;
  for (const ReplayModule &m : it->second)
    if (pc >= m.base && pc < m.base + m.size)
      return &m;
  return nullptr;
}

ReplayStats TraceReplayer::replay(const uint8_t *data, size_t size, uint32_t trace_index) {
  ReplayStats st;
  engine_.set_trace(trace_index);
  trace_index_ = trace_index;
  TraceDecoder dec(data, size);
  images_.clear();
  Run run{0, 0, &image_classes_[0]};
  for (;;) {
    TraceDecoder::Item item = dec.next();
    if (item == TraceDecoder::Item::End)
      break;
    if (item == TraceDecoder::Item::Truncated || item == TraceDecoder::Item::Corrupt) {
      st.partial = true;
      st.bytes_unread = size - dec.offset();
      st.error = std::string(dec.error()) + " at byte " + std::to_string(dec.offset());
      break;
    }
    if (item == TraceDecoder::Item::FileHeader) {
      uint64_t image = next_image_++;
      images_[dec.file_header().pid] = image;
      image_start_[image] = dec.file_header().start_ns;
      run = Run{dec.file_header().pid, image, &image_classes_[image]};
      continue;
    }
    const ChunkHeader &ch = dec.chunk();
    if (progress_ && (st.chunks & 63) == 0)
      progress_(dec.consumed());
    ++st.chunks;
    if (ch.pid != run.pid)
      run = run_for(ch.pid, run);
    engine_.set_pid(ch.pid);
    const uint8_t *p = dec.payload();
    size_t n = ch.payload_size, pos = 0;
    switch (ch.type) {
    case ChunkType::Classes: {
      TraceClass tc;
      while (pos < n && TraceDecoder::read_class(p, n, &pos, &tc)) {
        const char *name = nullptr;
        if (tc.name) {
          // Into the registry's arena at once: the next emplace_back may move
          // a short string's characters.
          names_.emplace_back(tc.name, tc.name_len);
          name = engine_.classes().intern(names_.back().c_str());
        }
        SiteRef site;
        if (tc.module) {
          names_.emplace_back(tc.module, tc.module_len);
          site.module = engine_.classes().intern(names_.back().c_str());
        }
        site.offset = tc.offset;
        ClassId id = engine_.classes().get_or_create(tc.key, tc.kind, name, site, tc.flags);
        engine_.classes().info(id).flags.fetch_or(tc.flags, std::memory_order_relaxed);
        run.classes->set(tc.id, id);
      }
      break;
    }
    case ChunkType::Modules: {
      TraceModule m;
      auto &mods = modules_[ch.pid];
      while (pos < n && TraceDecoder::read_module(p, n, &pos, &m))
        mods.push_back(ReplayModule{m.base, m.size, std::string(m.path, m.path_len)});
      break;
    }
    case ChunkType::Events:
      replay_events(run, ch.tid, p, n, dec.offset(), dec.file_header().version, st);
      break;
    default:
      ++st.skipped_chunks;
    }
  }
  return st;
}

// Chunks of several processes interleave in one file. A pid without a file
// header of its own is a forked child: it numbers classes as its parent did
// (it inherited the writer's state), so it starts from the parent's map.
TraceReplayer::Run TraceReplayer::run_for(uint32_t pid, const Run &previous) {
  auto it = images_.find(pid);
  if (it != images_.end())
    return Run{pid, it->second, &image_classes_[it->second]};
  uint64_t image = next_image_++;
  images_[pid] = image;
  auto &classes = image_classes_[image];
  classes = *previous.classes;
  image_start_[image] = image_start_[previous.image];
  return Run{pid, image, &classes};
}

void TraceReplayer::replay_events(Run &run, uint32_t tid, const uint8_t *p, size_t n,
                                  size_t chunk_at, uint32_t version, ReplayStats &st) {
  ThreadState &t = thread(run, tid);
  // Objects are addresses in their process: keep processes apart.
  uint64_t salt = mix64(run.pid) & 0xffff000000000000ull;
  auto cls = [&](ClassId id) {
    return run.classes->get(id);
  };
  size_t pos = 0;
  TraceEvent e;
  uint64_t dt;
  uint64_t ts = observer_ ? image_start_[run.image] : 0;
  auto apply = [&]() __attribute__((always_inline)) {
    ++st.events;
    ClassId c = cls(e.cls);
    uint64_t obj = e.object ^ salt;
    if (observer_) {
      ts += dt;
      observe(run, tid, ts, e, c, obj, salt);
    }
    PcStack stack(engine_.stacks(), e.pc);
    switch (e.op) {
    case TraceOp::Acquire:
    case TraceOp::AcquireRead:
    case TraceOp::TryAcquire:
    case TraceOp::TryAcquireRead:
      if (c != kNoClass)
        engine_.acquire(t, c, obj, e.op == TraceOp::AcquireRead || e.op == TraceOp::TryAcquireRead,
                        e.op == TraceOp::TryAcquire || e.op == TraceOp::TryAcquireRead, e.pc,
                        stack);
      break;
    case TraceOp::Release:
      engine_.release(t, obj);
      break;
    case TraceOp::WaitBegin:
      if (c != kNoClass)
        engine_.wait_begin(t, c, obj, e.arg ? e.arg ^ salt : 0, e.pc, stack);
      break;
    case TraceOp::WaitForSubmitBegin:
      if (c != kNoClass)
        engine_.wait_begin(t, c, obj, 0, e.pc, stack, EdgeKind::WaitForSubmit);
      break;
    case TraceOp::WaitEnd:
      if (e.arg & 2)
        engine_.wait_end_more(t, c, e.arg & 1, e.pc);
      else
        engine_.wait_end(t, c, obj, e.arg & 1, e.pc);
      break;
    case TraceOp::Signal:
      if (c == kNoClass)
        break;
      // arg bit 0: a submission the GPU completes (trace_format.h).
      if (e.arg & 1)
        engine_.submit(t, c, obj, e.pc, stack);
      else
        engine_.signal(t, c, obj, e.pc, stack);
      break;
    case TraceOp::SectionBegin:
      if (c != kNoClass)
        cookies_[(uint64_t(run.pid) << 32 | tid) ^ mix64(e.arg)] =
            engine_.section_begin(t, c, obj, e.pc);
      break;
    case TraceOp::SectionEnd: {
      auto it = cookies_.find((uint64_t(run.pid) << 32 | tid) ^ mix64(e.arg));
      if (it != cookies_.end()) {
        engine_.section_end(t, it->second);
        cookies_.erase(it);
      }
      break;
    }
    case TraceOp::MmBegin:
      engine_.mm_begin(t, "mm", e.pc, stack);
      break;
    case TraceOp::MmEnd:
      engine_.mm_end(t);
      break;
    case TraceOp::MightReclaim:
      engine_.might_reclaim(t, e.pc, stack);
      break;
    case TraceOp::Await:
      if (c != kNoClass && cls(e.cls2) != kNoClass)
        engine_.await(t, c, obj, cls(e.cls2), e.arg ^ salt, e.pc, stack);
      break;
    case TraceOp::FenceInit:
      engine_.fence_reset(obj);
      break;
    case TraceOp::ResvAttach:
      if (c != kNoClass)
        engine_.resv_attach(t, c, obj, e.pc, stack);
      break;
    case TraceOp::Export:
      if (c != kNoClass)
        engine_.fence_export(t, c, obj, e.pc, stack);
      break;
    case TraceOp::ThreadStart:
    case TraceOp::ThreadExit:
    case TraceOp::Count_:
      break; // exits are replayed through their signal events
    }
  };
  // One loop per record layout, the version test outside both.
  if (version == 1)
    while (pos < n && TraceDecoder::read_event_v1(p, n, &pos, &e, &dt))
      apply();
  else
    while (pos < n && TraceDecoder::read_event(p, n, &pos, &e, &dt))
      apply();
  if (pos < n) {
    ++st.bad_records;
    if (st.error.empty())
      st.error = "undecodable event record at byte " +
                 std::to_string(chunk_at + kChunkHeaderSize + pos) + " (rest of its chunk skipped)";
  }
}

} // namespace fencedep

namespace fencedep {

// The replayed event in the readers' vocabulary, for the timeline.
void TraceReplayer::observe(const Run &run, uint32_t tid, uint64_t ts, const TraceEvent &e,
                            ClassId c, uint64_t obj, uint64_t salt) {
  ModelEvent m;
  m.trace = trace_index_;
  m.pid = run.pid;
  m.tid = tid;
  m.ts_ns = ts;
  m.cls = c;
  m.inst = obj;
  m.pc = e.pc;
  switch (e.op) {
  case TraceOp::Acquire:
  case TraceOp::AcquireRead:
  case TraceOp::TryAcquire:
  case TraceOp::TryAcquireRead:
    m.op = ModelOp::Acquire;
    m.read = e.op == TraceOp::AcquireRead || e.op == TraceOp::TryAcquireRead;
    m.is_try = e.op == TraceOp::TryAcquire || e.op == TraceOp::TryAcquireRead;
    break;
  case TraceOp::Release:
    m.op = ModelOp::Release;
    break;
  case TraceOp::WaitBegin:
    m.op = ModelOp::WaitBegin;
    m.inst2 = e.arg ? e.arg ^ salt : 0;
    break;
  case TraceOp::WaitForSubmitBegin:
    m.op = ModelOp::WaitBegin;
    break;
  case TraceOp::WaitEnd:
    m.op = ModelOp::WaitEnd;
    m.one_shot = e.arg & 1;
    break;
  case TraceOp::Signal:
    m.op = ModelOp::Signal;
    break;
  case TraceOp::SectionBegin:
    m.op = ModelOp::SectionBegin;
    break;
  case TraceOp::SectionEnd:
    m.op = ModelOp::SectionEnd;
    break;
  case TraceOp::MmBegin:
    m.op = ModelOp::MmBegin;
    m.cls = engine_.reclaim_class();
    break;
  case TraceOp::MmEnd:
    m.op = ModelOp::MmEnd;
    m.cls = engine_.reclaim_class();
    break;
  case TraceOp::MightReclaim:
    m.op = ModelOp::MightReclaim;
    break;
  case TraceOp::Await: {
    m.op = ModelOp::Await;
    m.cls2 = run.classes->get(e.cls2);
    m.inst2 = e.arg ^ salt;
    break;
  }
  case TraceOp::FenceInit:
    m.op = ModelOp::FenceInit;
    break;
  case TraceOp::ResvAttach:
    m.op = ModelOp::ResvAttach;
    break;
  case TraceOp::Export:
    m.op = ModelOp::Export;
    break;
  case TraceOp::ThreadStart:
  case TraceOp::ThreadExit:
  case TraceOp::Count_:
    return;
  }
  observer_->event(m);
}

} // namespace fencedep
