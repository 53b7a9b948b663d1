#include "timeline.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace fencedep::offline {

namespace {

constexpr uint64_t kOpen = ~0ull;
constexpr uint32_t kRingTidBase = 0xff000000u; // synthetic threads: GPU rings
// The kernel reader's replay of signalling sections: edges only, no time.
constexpr uint32_t kSectionReplayTid = 0xfd000000u;

void json_string(std::ostream &out, std::string_view s) {
  out << '"';
  for (char c : s) {
    switch (c) {
    case '"':
      out << "\\\"";
      break;
    case '\\':
      out << "\\\\";
      break;
    case '\n':
      out << "\\n";
      break;
    case '\t':
      out << "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out << buf;
      } else {
        out << c;
      }
    }
  }
  out << '"';
}

// Microseconds with nanosecond digits, as the format wants.
std::string micros(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
                static_cast<unsigned long long>(ns % 1000));
  return buf;
}

} // namespace

uint32_t TimelineRecorder::thread_index(uint32_t trace, uint32_t pid, uint32_t tid) {
  auto key = std::make_tuple(trace, pid, tid);
  auto it = thread_ids_.find(key);
  if (it != thread_ids_.end())
    return it->second;
  uint32_t idx = uint32_t(threads_.size());
  threads_.push_back(Thread{trace, pid, tid, {}, {}});
  auto n = names_.find({trace, tid});
  if (n != names_.end())
    threads_.back().name = n->second;
  thread_ids_.emplace(key, idx);
  return idx;
}

void TimelineRecorder::thread_name(uint32_t trace, uint32_t pid, uint32_t tid,
                                   std::string_view name) {
  names_[{trace, tid}] = std::string(name);
  for (Thread &t : threads_)
    if (t.trace == trace && t.tid == tid)
      t.name = std::string(name);
}

void TimelineRecorder::open_slice(uint32_t thread, Kind kind, const ModelEvent &e, ClassId cls) {
  if (slices_.size() >= max_slices_) {
    truncated_ = true;
    return;
  }
  slices_.push_back(Slice{thread, kind, e.read, cls, e.inst, e.pc, e.ts_ns, kOpen, e.inst2});
  threads_[thread].open.push_back(Open{slices_.size() - 1, 0});
}

void TimelineRecorder::close_slice(uint32_t thread, Kind kind, uint64_t inst, ClassId cls,
                                   uint64_t ts, bool by_class) {
  std::vector<Open> &open = threads_[thread].open;
  for (size_t i = open.size(); i > 0; --i) {
    Slice &s = slices_[open[i - 1].slice];
    if (s.kind != kind)
      continue;
    if (by_class ? (cls != kNoClass && s.cls != cls) : s.inst != inst)
      continue;
    if (open[i - 1].depth) {
      --open[i - 1].depth;
      return;
    }
    s.end = ts;
    open.erase(open.begin() + long(i - 1));
    return;
  }
}

void TimelineRecorder::event(const ModelEvent &e) {
  if (e.derived || e.tid == kSectionReplayTid)
    return;
  last_ts_ = std::max(last_ts_, e.ts_ns);
  uint32_t th = thread_index(e.trace, e.pid, e.tid);
  auto instant = [&](Kind kind, ClassId cls, uint64_t inst, uint64_t shown) {
    if (slices_.size() >= max_slices_) {
      truncated_ = true;
      return;
    }
    slices_.push_back(Slice{th, kind, e.read, cls, inst, e.pc, e.ts_ns, e.ts_ns, shown});
  };
  switch (e.op) {
  case ModelOp::Acquire:
  case ModelOp::AcquireEnd:
    for (Open &o : threads_[th].open) {
      if (slices_[o.slice].kind == Kind::Lock && slices_[o.slice].inst == e.inst) {
        ++o.depth; // recursive: one slice
        return;
      }
    }
    open_slice(th, Kind::Lock, e, e.cls);
    break;
  case ModelOp::Release:
    close_slice(th, Kind::Lock, e.inst, kNoClass, e.ts_ns, false);
    break;
  case ModelOp::WaitBegin:
    open_slice(th, Kind::Wait, e, e.cls);
    break;
  case ModelOp::WaitEnd:
    close_slice(th, Kind::Wait, e.inst, e.cls, e.ts_ns, e.inst == 0);
    break;
  case ModelOp::Signal:
    instant(Kind::Signal, e.cls, e.inst, e.inst2);
    break;
  case ModelOp::SectionBegin:
    open_slice(th, Kind::Section, e, e.cls);
    break;
  case ModelOp::SectionEnd:
    close_slice(th, Kind::Section, 0, e.cls, e.ts_ns, true);
    break;
  case ModelOp::MmBegin:
    open_slice(th, Kind::Mm, e, e.cls);
    break;
  case ModelOp::MmEnd:
    close_slice(th, Kind::Mm, 0, kNoClass, e.ts_ns, true);
    break;
  case ModelOp::MightReclaim:
    instant(Kind::Reclaim, e.cls, 0, 0);
    break;
  case ModelOp::Await:
    instant(Kind::Await, e.cls2, e.inst2, 0);
    break;
  case ModelOp::ContextReset:
    for (const Open &o : threads_[th].open)
      slices_[o.slice].end = e.ts_ns;
    threads_[th].open.clear();
    break;
  case ModelOp::ContentionBegin:
    open_slice(th, Kind::Contention, e, e.cls);
    break;
  case ModelOp::ContentionEnd:
    close_slice(th, Kind::Contention, e.inst, kNoClass, e.ts_ns, false);
    break;
  case ModelOp::JobRun:
  case ModelOp::JobDone: {
    // Jobs run on the GPU: one track per ring, named by the job's ring (its
    // fence class when the event does not name one).
    std::string ring = e.label ? std::string(e.label) : "";
    if (ring.empty() && e.op == ModelOp::JobDone) {
      // Done events name no ring: the one the job runs on.
      for (const auto &[key, track] : rings_) {
        if (key.first != e.trace)
          continue;
        for (const Open &o : threads_[track].open)
          if (slices_[o.slice].inst == e.inst) {
            close_slice(track, Kind::Job, e.inst, kNoClass, e.ts_ns, false);
            return;
          }
      }
      return;
    }
    if (ring.empty())
      ring = "class " + std::to_string(e.cls);
    auto it = rings_.find({e.trace, ring});
    if (it == rings_.end()) {
      uint32_t track = thread_index(e.trace, 0, kRingTidBase + uint32_t(rings_.size()));
      threads_[track].name = "gpu ring " + ring;
      it = rings_.emplace(std::make_pair(e.trace, ring), track).first;
    }
    if (e.op == ModelOp::JobRun)
      open_slice(it->second, Kind::Job, e, e.cls);
    else
      close_slice(it->second, Kind::Job, e.inst, kNoClass, e.ts_ns, false);
    break;
  }
  case ModelOp::AcquireBegin:
  case ModelOp::FenceInit:
  case ModelOp::ResvAttach:
  case ModelOp::Export:
    break;
  }
}

size_t TimelineRecorder::find_edge_slice(const EdgeInfo &e, uint64_t stack_pc) const {
  bool signal = e.kind == EdgeKind::Signal;
  ClassId want = signal ? e.from : e.to;
  size_t best = std::string::npos;
  for (size_t i = 0; i < slices_.size(); ++i) {
    const Slice &s = slices_[i];
    const Thread &t = threads_[s.thread];
    if (s.cls != want || t.tid != e.tid || t.pid != e.pid || (e.trace && t.trace != e.trace))
      continue;
    if (signal != (s.kind == Kind::Signal) || (e.kind == EdgeKind::Await) != (s.kind == Kind::Await))
      continue;
    if (stack_pc && s.pc != stack_pc)
      continue;
    if (best == std::string::npos || s.begin < slices_[best].begin)
      best = i;
  }
  return best;
}

void TimelineRecorder::write_json(std::ostream &out, Engine &engine,
                                  const std::vector<Cycle> &cycles,
                                  const std::vector<std::string> &class_names,
                                  const std::vector<std::string> &trace_names) const {
  auto cname = [&](ClassId c) -> std::string {
    return c < class_names.size() && !class_names[c].empty() ? class_names[c] : "?";
  };
  // Processes and threads get small ids of their own: inputs may reuse pids.
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> pids;
  std::vector<uint32_t> json_pid(threads_.size());
  for (size_t i = 0; i < threads_.size(); ++i) {
    auto key = std::make_pair(threads_[i].trace, threads_[i].pid);
    auto it = pids.emplace(key, uint32_t(pids.size() + 1)).first;
    json_pid[i] = it->second;
  }
  out << "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"fencedep graph\"";
  if (truncated_)
    out << ",\"truncated\":\"slices beyond the limit were not recorded\"";
  out << "},\"traceEvents\":[\n";
  bool first = true;
  auto sep = [&] {
    if (!first)
      out << ",\n";
    first = false;
  };
  for (const auto &[key, id] : pids) {
    sep();
    std::string name = "trace " + std::to_string(key.first);
    if (key.first >= 1 && key.first <= trace_names.size())
      name += " (" + trace_names[key.first - 1] + ")";
    name += key.second ? " pid " + std::to_string(key.second) : " kernel";
    out << "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" << id << ",\"tid\":0,\"args\":{\"name\":";
    json_string(out, name);
    out << "}}";
  }
  // Instants: signals, awaits, allocations, and jobs whose end the trace
  // does not hold (their done event fell outside it): as slices they would
  // run to the trace's end and push every later job of the ring aside.
  auto is_instant = [](const Slice &s) {
    return s.kind == Kind::Signal || s.kind == Kind::Await || s.kind == Kind::Reclaim ||
           (s.kind == Kind::Job && s.end == kOpen);
  };
  // Tracks: each thread's slices go to the first lane where they nest (for
  // a GPU ring: where nothing else runs); lane 0 keeps the thread's own id.
  std::vector<uint32_t> track(slices_.size(), 0);
  std::vector<std::vector<size_t>> by_thread(threads_.size());
  for (size_t i = 0; i < slices_.size(); ++i)
    by_thread[slices_[i].thread].push_back(i);
  auto end_of = [&](const Slice &s) { return s.end == kOpen ? last_ts_ : std::max(s.end, s.begin); };
  struct Track {
    uint32_t thread, lane;
  };
  std::vector<Track> tracks;
  std::vector<uint32_t> lane0(threads_.size());
  for (size_t t = 0; t < threads_.size(); ++t) {
    lane0[t] = uint32_t(tracks.size());
    tracks.push_back({uint32_t(t), 0});
  }
  for (size_t t = 0; t < threads_.size(); ++t) {
    std::vector<size_t> &list = by_thread[t];
    std::stable_sort(list.begin(), list.end(), [&](size_t a, size_t b) {
      const Slice &x = slices_[a], &y = slices_[b];
      return x.begin != y.begin ? x.begin < y.begin : end_of(x) > end_of(y);
    });
    bool nest = threads_[t].tid < kRingTidBase;
    std::vector<std::vector<uint64_t>> lanes; // per lane: the ends of open slices
    std::vector<uint32_t> lane_track;
    for (size_t i : list) {
      const Slice &s = slices_[i];
      if (is_instant(s)) {
        track[i] = lane0[t];
        continue;
      }
      uint64_t b = s.begin, e = end_of(s);
      size_t l = 0;
      for (; l < lanes.size(); ++l) {
        std::vector<uint64_t> &open = lanes[l];
        while (!open.empty() && open.back() <= b)
          open.pop_back();
        if (open.empty() || (nest && e <= open.back()))
          break;
      }
      if (l == lanes.size()) {
        lanes.emplace_back();
        lane_track.push_back(l == 0 ? lane0[t] : uint32_t(tracks.size()));
        if (l)
          tracks.push_back({uint32_t(t), uint32_t(l)});
      }
      lanes[l].push_back(e);
      track[i] = lane_track[l];
    }
  }
  for (size_t i = 0; i < tracks.size(); ++i) {
    const Thread &t = threads_[tracks[i].thread];
    std::string name = t.name;
    if (name.empty())
      name = t.tid >= kRingTidBase ? "gpu ring" : "thread " + std::to_string(t.tid);
    else if (t.tid < 0xfe000000u)
      name += " (" + std::to_string(t.tid) + ")";
    if (tracks[i].lane)
      name += t.tid >= kRingTidBase ? " #" + std::to_string(tracks[i].lane + 1)
                                    : " [overlapping " + std::to_string(tracks[i].lane) + "]";
    sep();
    out << "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" << json_pid[tracks[i].thread]
        << ",\"tid\":" << i + 1 << ",\"args\":{\"name\":";
    json_string(out, name);
    out << "}}";
  }
  auto tid_of = [&](size_t slice) { return track[slice] + 1; };
  auto index_of = [&](const Slice &s) { return size_t(&s - slices_.data()); };
  for (const Slice &s : slices_) {
    std::string name;
    switch (s.kind) {
    case Kind::Lock:
      name = (s.read ? "read_lock " : "lock ") + cname(s.cls);
      break;
    case Kind::Wait:
      name = "wait " + cname(s.cls);
      break;
    case Kind::Section:
      name = "signalling " + cname(s.cls);
      break;
    case Kind::Mm:
      name = "reclaim context";
      break;
    case Kind::Signal:
      name = "signal " + cname(s.cls);
      break;
    case Kind::Await:
      name = "await " + cname(s.cls);
      break;
    case Kind::Contention:
      name = "contended lock";
      break;
    case Kind::Job:
      name = "job " + cname(s.cls);
      break;
    case Kind::Reclaim:
      name = "alloc_may_reclaim";
      break;
    }
    bool instant = is_instant(s);
    sep();
    out << "{\"ph\":\"" << (instant ? "i" : "X") << "\",\"cat\":\"fencedep\",\"name\":";
    json_string(out, name);
    out << ",\"pid\":" << json_pid[s.thread] << ",\"tid\":" << tid_of(index_of(s))
        << ",\"ts\":" << micros(s.begin);
    if (instant)
      out << ",\"s\":\"t\"";
    else
      out << ",\"dur\":" << micros(end_of(s) - s.begin);
    out << ",\"args\":{";
    if (s.shown)
      out << "\"fence\":\"" << (s.shown >> 32) << ":" << (s.shown & 0xffffffffu) << "\"";
    else
      out << "\"instance\":\"0x" << std::hex << s.inst << std::dec << "\"";
    if (s.end == kOpen)
      out << ",\"unfinished\":true";
    out << "}}";
  }
  // Signal -> the wait it ended: the latest signal of the same object, from
  // another thread, no later than the wait's end.
  std::unordered_map<uint64_t, std::vector<size_t>> signals;
  for (size_t i = 0; i < slices_.size(); ++i)
    if (slices_[i].kind == Kind::Signal)
      signals[slices_[i].inst].push_back(i);
  for (auto &[inst, list] : signals)
    std::sort(list.begin(), list.end(),
              [&](size_t a, size_t b) { return slices_[a].begin < slices_[b].begin; });
  uint64_t flow = 0;
  auto arrow = [&](const char *cat, const std::string &name, const Slice &from, uint64_t from_ts,
                   const Slice &to, uint64_t to_ts) {
    ++flow;
    sep();
    out << "{\"ph\":\"s\",\"cat\":\"" << cat << "\",\"name\":";
    json_string(out, name);
    out << ",\"id\":" << flow << ",\"pid\":" << json_pid[from.thread]
        << ",\"tid\":" << tid_of(index_of(from)) << ",\"ts\":" << micros(from_ts) << "}";
    sep();
    out << "{\"ph\":\"f\",\"bp\":\"e\",\"cat\":\"" << cat << "\",\"name\":";
    json_string(out, name);
    out << ",\"id\":" << flow << ",\"pid\":" << json_pid[to.thread]
        << ",\"tid\":" << tid_of(index_of(to)) << ",\"ts\":" << micros(to_ts) << "}";
  };
  for (const Slice &w : slices_) {
    if (w.kind != Kind::Wait || w.end == kOpen)
      continue;
    auto it = signals.find(w.inst);
    if (it == signals.end())
      continue;
    const Slice *sig = nullptr;
    for (size_t k = it->second.size(); k > 0; --k) {
      const Slice &s = slices_[it->second[k - 1]];
      if (s.begin <= w.end && s.thread != w.thread) {
        sig = &s;
        break;
      }
    }
    if (sig)
      arrow("signal", "signal -> wait " + cname(w.cls), *sig, sig->begin, w,
            std::max(w.begin, sig->begin));
  }
  // Along each cycle: from where one edge first occurred to the next one.
  for (const Cycle &c : cycles) {
    std::vector<size_t> at;
    for (EdgeId id : c.edges) {
      const EdgeInfo &e = engine.graph().edge(id);
      StackView sv = engine.stacks().get(e.stack);
      at.push_back(find_edge_slice(e, sv.size ? sv.pcs[0] : 0));
    }
    for (size_t i = 0; i < at.size(); ++i) {
      if (at[i] == std::string::npos)
        continue;
      const Slice &s = slices_[at[i]];
      const EdgeInfo &e = engine.graph().edge(c.edges[i]);
      sep();
      out << "{\"ph\":\"i\",\"s\":\"t\",\"cat\":\"cycle\",\"name\":";
      json_string(out, c.title + ": " + cname(e.from) + " -> " + cname(e.to));
      out << ",\"pid\":" << json_pid[s.thread] << ",\"tid\":" << tid_of(at[i])
          << ",\"ts\":" << micros(s.begin) << "}";
      size_t next = at[(i + 1) % at.size()];
      if (next != std::string::npos && at.size() > 1)
        arrow("cycle", c.title, s, s.begin, slices_[next], slices_[next].begin);
    }
  }
  out << "\n]}\n";
}

} // namespace fencedep::offline
