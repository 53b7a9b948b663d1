#include "trace_dat.h"

#include <event-parse.h>
#include <sched.h>
#include <trace-seq.h>

#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "fencedep/core/kernel_trace.h"

// libtracecmd's entry points used here. trace-cmd.h pulls in tracefs.h,
// whose inline helpers are not valid C++ (an int passed as an enum), so
// they are declared here as the 3.1 header declares them.
extern "C" {
struct tracecmd_input;
enum { TRACECMD_FL_LOAD_NO_PLUGINS = 1 << 0 };
tracecmd_input *tracecmd_open(const char *file, int flags);
void tracecmd_close(tracecmd_input *handle);
tep_handle *tracecmd_get_tep(tracecmd_input *handle);
int tracecmd_iterate_events(tracecmd_input *handle, cpu_set_t *cpus, int cpu_size,
                            int (*callback)(tracecmd_input *handle, tep_record *, int, void *),
                            void *callback_data);
void tracecmd_set_loglevel(enum tep_loglevel level);
}

namespace fencedep::offline {

namespace {

constexpr int kTraceFlagNmi = 0x40; // the kernel's TRACE_FLAG_NMI

// One event type's fields, found once by name. Several kernels name a field
// differently: the first name found wins.
struct EventType {
  KernelEv ev = KernelEv::Unknown;
  std::string name;
  tep_event *event = nullptr;
  std::unordered_map<std::string, tep_format_field *> fields;
  bool fallback = false; // a field the model needs is missing: use the print format

  tep_format_field *find(std::initializer_list<const char *> names) {
    for (const char *n : names) {
      auto it = fields.find(n);
      if (it != fields.end())
        return it->second;
      tep_format_field *f = tep_find_field(event, n);
      fields.emplace(n, f);
      if (f)
        return f;
    }
    return nullptr;
  }
};

class DatReader {
public:
  DatReader(tracecmd_input *handle, const ReaderContext &ctx, ReaderStats &st)
      : tep_(tracecmd_get_tep(handle)), ctx_(ctx), st_(st), model_(ctx, st) {
    trace_seq_init(&seq_);
  }
  ~DatReader() { trace_seq_destroy(&seq_); }
  int record(tep_record *rec);
  void finish() { model_.finish(); }

private:
  EventType &type_of(tep_record *rec);
  bool num(EventType &t, tep_record *rec, std::initializer_list<const char *> names,
           uint64_t *out);
  bool str(EventType &t, tep_record *rec, std::initializer_list<const char *> names,
           std::string_view *out);
  bool decode(EventType &t, tep_record *rec, KernelEvent *k);
  bool decode_text(EventType &t, tep_record *rec, KernelEvent *k, const char **err);

  tep_handle *tep_;
  const ReaderContext &ctx_;
  ReaderStats &st_;
  KernelModel model_;
  trace_seq seq_;
  std::unordered_map<int, EventType> types_;
  std::vector<uint64_t> cpu_ts_;
  uint64_t ordinal_ = 0;
};

EventType &DatReader::type_of(tep_record *rec) {
  int id = tep_data_type(tep_, rec);
  auto it = types_.find(id);
  if (it != types_.end())
    return it->second;
  EventType &t = types_[id];
  t.event = tep_find_event_by_record(tep_, rec);
  if (t.event) {
    t.name = t.event->name ? t.event->name : "";
    t.ev = kernel_event_id(t.name);
  }
  return t;
}

bool DatReader::num(EventType &t, tep_record *rec, std::initializer_list<const char *> names,
                    uint64_t *out) {
  tep_format_field *f = t.find(names);
  unsigned long long v;
  if (!f || tep_read_number_field(f, rec->data, &v) != 0)
    return false;
  *out = v;
  return true;
}

// A __string / __data_loc field: its 32-bit locator gives offset and length
// (relative to the field's end on kernels that say so).
bool DatReader::str(EventType &t, tep_record *rec, std::initializer_list<const char *> names,
                    std::string_view *out) {
  tep_format_field *f = t.find(names);
  if (!f)
    return false;
  const char *data = static_cast<const char *>(rec->data);
  if (!(f->flags & TEP_FIELD_IS_DYNAMIC)) {
    if (f->offset + f->size > rec->size)
      return false;
    const char *s = data + f->offset;
    *out = std::string_view(s, strnlen(s, size_t(f->size)));
    return true;
  }
  unsigned long long loc;
  if (tep_read_number_field(f, rec->data, &loc) != 0)
    return false;
  uint64_t off = loc & 0xffff, len = (loc >> 16) & 0xffff;
  if (f->flags & TEP_FIELD_IS_RELATIVE)
    off += uint64_t(f->offset + f->size);
  if (off + len > uint64_t(rec->size))
    return false;
  const char *s = data + off;
  *out = std::string_view(s, strnlen(s, len));
  return true;
}

// Events whose fields have moved between kernels, or that a kernel names
// otherwise: their print format, from the file, into the text decoder.
bool DatReader::decode_text(EventType &t, tep_record *rec, KernelEvent *k, const char **err) {
  trace_seq_reset(&seq_);
  tep_print_event(tep_, &seq_, rec, "%s", TEP_PRINT_INFO);
  trace_seq_terminate(&seq_);
  return decode_kernel_fields(t.ev, std::string_view(seq_.buffer, seq_.len), k, err);
}

bool DatReader::decode(EventType &t, tep_record *rec, KernelEvent *k) {
  switch (t.ev) {
  case KernelEv::FenceInit:
  case KernelEv::FenceEmit:
  case KernelEv::FenceEnableSignal:
  case KernelEv::FenceSignaled:
  case KernelEv::FenceWaitStart:
  case KernelEv::FenceWaitEnd:
  case KernelEv::FenceDestroy:
    if (!num(t, rec, {"context"}, &k->ctx) || !num(t, rec, {"seqno"}, &k->seq))
      return false;
    k->has_fence = true;
    str(t, rec, {"driver"}, &k->driver);
    str(t, rec, {"timeline"}, &k->timeline);
    return true;
  case KernelEv::LockAcquire: {
    uint64_t flags = 0;
    if (!num(t, rec, {"lockdep_addr"}, &k->ptr) || !str(t, rec, {"name"}, &k->name))
      return false;
    num(t, rec, {"flags"}, &flags);
    k->is_try = flags & 1;
    k->read = flags & 2;
    return true;
  }
  case KernelEv::LockRelease:
    return num(t, rec, {"lockdep_addr"}, &k->ptr) && str(t, rec, {"name"}, &k->name);
  case KernelEv::ContentionBegin:
  case KernelEv::ContentionEnd: {
    uint64_t flags = 0;
    if (!num(t, rec, {"lock_addr"}, &k->ptr))
      return false;
    if (t.ev == KernelEv::ContentionBegin && num(t, rec, {"flags"}, &flags))
      k->read = flags & 2; // LCB_F_READ
    return true;
  }
  case KernelEv::SchedJob:
  case KernelEv::SchedRunJob:
    if (!num(t, rec, {"id"}, &k->id) || !num(t, rec, {"fence"}, &k->ptr) ||
        !str(t, rec, {"name"}, &k->name))
      return false;
    num(t, rec, {"entity"}, &k->ptr2);
    return true;
  case KernelEv::SchedProcessJob:
    return num(t, rec, {"fence"}, &k->ptr);
  case KernelEv::SchedWaitDep:
    return str(t, rec, {"name"}, &k->name) && num(t, rec, {"id"}, &k->id) &&
           num(t, rec, {"fence"}, &k->ptr2) && num(t, rec, {"ctx"}, &k->ctx2) &&
           num(t, rec, {"seqno"}, &k->seq2);
  case KernelEv::SchedJobQueue:
  case KernelEv::SchedJobRun:
    // 6.17: the job's finished fence by context and seqno, its ring by name.
    if (!num(t, rec, {"fence_context"}, &k->ctx) || !num(t, rec, {"fence_seqno"}, &k->seq) ||
        !str(t, rec, {"name"}, &k->name))
      return false;
    k->has_fence = true;
    return true;
  case KernelEv::SchedJobDone:
    if (!num(t, rec, {"fence_context"}, &k->ctx) || !num(t, rec, {"fence_seqno"}, &k->seq))
      return false;
    k->has_fence = true;
    return true;
  case KernelEv::SchedAddDep:
  case KernelEv::SchedUnschedulable:
    if (!num(t, rec, {"fence_context"}, &k->ctx) || !num(t, rec, {"fence_seqno"}, &k->seq) ||
        !num(t, rec, {"ctx"}, &k->ctx2) || !num(t, rec, {"seqno"}, &k->seq2))
      return false;
    k->has_fence = true;
    return true;
  case KernelEv::AmdgpuCsIoctl:
  case KernelEv::AmdgpuRunJob: {
    if (!num(t, rec, {"sched_job_id", "sched_job"}, &k->id) ||
        !num(t, rec, {"context"}, &k->ctx) || !num(t, rec, {"seqno"}, &k->seq))
      return false;
    k->has_fence = true;
    str(t, rec, {"timeline"}, &k->timeline);
    // 6.12 has the ring's name; old kernels a pointer to it, useless here.
    tep_format_field *ring = t.find({"ring"});
    if (ring && (ring->flags & TEP_FIELD_IS_DYNAMIC))
      str(t, rec, {"ring"}, &k->name);
    if (k->name.empty())
      k->name = k->timeline;
    return true;
  }
  default:
    return false;
  }
}

int DatReader::record(tep_record *rec) {
  uint64_t n = ++ordinal_;
  ++st_.lines;
  if (ctx_.progress && n % ReaderStats::kProgressStride == 0)
    ctx_.progress(rec->offset);
  if (rec->missed_events) {
    // The ring buffer overflowed before this record: what each task took
    // or released in between is unknown.
    if (rec->missed_events > 0)
      st_.lost_events += uint64_t(rec->missed_events);
    ++st_.lost_marks;
    st_.partial = true;
    model_.forget_tasks(rec->ts);
  }
  EventType &t = type_of(rec);
  ++st_.events;
  uint32_t cpu = rec->cpu >= 0 ? uint32_t(rec->cpu) : 0;
  if (cpu < 4096) {
    if (cpu >= cpu_ts_.size())
      cpu_ts_.resize(cpu + 1, 0);
    if (rec->ts < cpu_ts_[cpu]) {
      if (st_.backwards++ == 0)
        st_.first_backwards = n;
    } else {
      cpu_ts_[cpu] = rec->ts;
    }
  }
  if (t.ev == KernelEv::Unknown) {
    st_.skip(t.name.empty() ? "?" : t.name);
    return 0;
  }
  KernelEvent k;
  k.ev = t.ev;
  if (t.fallback || !decode(t, rec, &k)) {
    // Not decoded by name (a kernel whose fields differ, or events decoded
    // through their print format): the file's own print format.
    t.fallback = true;
    k = KernelEvent{};
    k.ev = t.ev;
    const char *err = nullptr;
    if (!decode_text(t, rec, &k, &err)) {
      reader_bad_line(ctx_, st_, n, std::string(t.name) + ": " + (err ? err : "bad fields"));
      return ctx_.strict ? 1 : 0;
    }
  }
  int pid = tep_data_pid(tep_, rec);
  k.pid = pid >= 0 ? uint32_t(pid) : 0;
  const char *comm = tep_data_comm_from_pid(tep_, pid);
  k.task = comm ? comm : "<...>";
  k.cpu = cpu;
  int flags = tep_data_flags(tep_, rec);
  k.irq = flags < 0                         ? IrqContext::Unknown
          : (flags & kTraceFlagNmi)         ? IrqContext::Nmi
          : (flags & TRACE_FLAG_HARDIRQ)    ? IrqContext::HardIrq
          : (flags & TRACE_FLAG_SOFTIRQ)    ? IrqContext::SoftIrq
                                            : IrqContext::Task;
  k.ts_ns = rec->ts;
  k.location = text_location(ctx_.trace, n);
  return model_.event(k) ? 0 : 1;
}

int on_record(tracecmd_input *, tep_record *rec, int, void *data) {
  return static_cast<DatReader *>(data)->record(rec);
}

} // namespace

bool read_trace_dat(const std::string &path, const ReaderContext &ctx, ReaderStats *st,
                    std::string *err) {
  tracecmd_set_loglevel(TEP_LOG_NONE);
  errno = 0;
  tracecmd_input *h = tracecmd_open(path.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS);
  if (!h) {
    *err = std::string("libtracecmd cannot read this trace.dat") +
           (errno ? std::string(" (") + std::strerror(errno) + ")" : "") +
           "; `trace-cmd report FILE` says why, and its text output can be analyzed instead";
    return false;
  }
  {
    DatReader r(h, ctx, *st);
    tracecmd_iterate_events(h, nullptr, 0, on_record, &r);
    r.finish();
    if (st->errors.empty() && st->bad_lines == 0 && st->events == 0)
      st->notes.push_back(ctx.name + ": the trace.dat holds no events");
  }
  tracecmd_close(h);
  if (st->backwards) {
    st->partial = true;
    st->errors.push_back(ctx.name + ": record " + std::to_string(st->first_backwards) + ": " +
                         std::to_string(st->backwards) +
                         " records older than the record before on the same CPU");
  }
  return true;
}

} // namespace fencedep::offline
