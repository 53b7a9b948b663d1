#include "trace_dat.h"

#include <event-parse.h>
#include <sched.h>
#include <trace-seq.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <vector>

#include "fencedep/core/kernel_trace.h"

// libtracecmd's entry points used here. trace-cmd.h pulls in tracefs.h,
// whose inline helpers are not valid C++ (an int passed as an enum), so
// they are declared here as the 3.1 header declares them.
extern "C" {
struct tracecmd_input;
enum { TRACECMD_FL_LOAD_NO_PLUGINS = 1 << 0 };
tracecmd_input *tracecmd_open_head(const char *file, int flags);
int tracecmd_init_data(tracecmd_input *handle);
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
// What a tracecmd_iterate_events callback returns to stop the iteration: a
// positive value does not (libtracecmd 3.1 only sums them up).
constexpr int kStop = -1;

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

// trace.dat v6 (trace-cmd's default up to 3.1 without compression) has its
// CPU buffers as plain ring-buffer pages at offsets the flyrecord table
// gives. libtracecmd stops reading a page at the first bad event header and
// says nothing: a zeroed block in a page loses the rest silently. So each
// page's own size (its header's commit) is checked against the records
// libtracecmd delivered from it.
struct CpuSection {
  uint64_t offset = 0, size = 0;
};

class Header {
public:
  explicit Header(const std::string &path) : in_(path, std::ios::binary) {}
  bool bytes(void *out, size_t n) { return bool(in_.read(static_cast<char *>(out), long(n))); }
  bool skip(uint64_t n) { return bool(in_.seekg(long(n), std::ios::cur)); }
  template <typename T> bool num(T *v) { return bytes(v, sizeof *v); }
  bool cstr(std::string *s) { return bool(std::getline(in_, *s, '\0')); }
  bool sized64() { uint64_t n; return num(&n) && skip(n); }
  bool sized32() { uint32_t n; return num(&n) && skip(n); }

private:
  std::ifstream in_;
};

// The CPU sections of a v6 file, or none (another version, or a layout
// this reader does not follow).
std::vector<CpuSection> v6_cpu_sections(const std::string &path, uint32_t *page_size) {
  Header h(path);
  char magic[10];
  std::string version, name;
  uint8_t endian, long_size;
  uint32_t count, n, cpus;
  if (!h.bytes(magic, sizeof magic) || !h.cstr(&version) || version != "6" || !h.num(&endian) ||
      endian != 0 || !h.num(&long_size) || !h.num(page_size))
    return {};
  if (!h.cstr(&name) || name != "header_page" || !h.sized64() || !h.cstr(&name) ||
      name != "header_event" || !h.sized64() || !h.num(&count))
    return {};
  for (uint32_t i = 0; i < count; ++i)
    if (!h.sized64())
      return {};
  if (!h.num(&count))
    return {};
  for (uint32_t i = 0; i < count; ++i) {
    if (!h.cstr(&name) || !h.num(&n))
      return {};
    for (uint32_t k = 0; k < n; ++k)
      if (!h.sized64())
        return {};
  }
  if (!h.sized32() || !h.sized32() || !h.sized64() || !h.num(&cpus) || cpus > 4096)
    return {};
  char label[10];
  if (!h.bytes(label, sizeof label))
    return {};
  if (std::memcmp(label, "options  ", 10) == 0) {
    for (;;) {
      uint16_t id;
      uint32_t size;
      if (!h.num(&id))
        return {};
      if (id == 0)
        break;
      if (!h.num(&size) || !h.skip(size))
        return {};
    }
    if (!h.bytes(label, sizeof label))
      return {};
  }
  if (std::memcmp(label, "flyrecord", 10) != 0)
    return {};
  std::vector<CpuSection> out(cpus);
  for (CpuSection &c : out)
    if (!h.num(&c.offset) || !h.num(&c.size))
      return {};
  return out;
}

class PageCheck {
public:
  PageCheck(const std::string &path, ReaderStats &st) : st_(st) {
    sections_ = v6_cpu_sections(path, &page_);
    if (!sections_.empty() && page_ >= 64 && (page_ & (page_ - 1)) == 0)
      fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    cur_.assign(sections_.size(), Cur{});
  }
  ~PageCheck() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  void record(int cpu, uint64_t offset, uint64_t size) {
    if (fd_ < 0 || cpu < 0 || size_t(cpu) >= cur_.size())
      return;
    Cur &c = cur_[size_t(cpu)];
    uint64_t page = offset & ~uint64_t(page_ - 1);
    if (page != c.page) {
      finish(size_t(cpu), page);
      c.page = page;
      c.end = 0;
    }
    if (offset + size > c.end)
      c.end = offset + size;
  }
  // After the last record: the rest of every CPU's section.
  void done() {
    for (size_t cpu = 0; cpu < cur_.size(); ++cpu)
      finish(cpu, sections_[cpu].offset + sections_[cpu].size);
  }

private:
  struct Cur {
    uint64_t page = ~0ull;
    uint64_t end = 0;
  };
  // The data size a page's header claims. A header zeroed (a zeroed block)
  // claims none: then the whole page counts.
  uint64_t commit(uint64_t page) {
    uint64_t v[4] = {0, 0, 0, 0};
    if (pread(fd_, v, sizeof v, off_t(page)) != sizeof v)
      return 0;
    uint64_t data = v[1] & ((1u << 27) - 1); // the top bits flag missed events
    // A page's time stamp is never 0: a zeroed header is damage.
    if (data == 0 && (v[0] == 0 || v[2] || v[3]))
      return page_ - 16;
    return data;
  }
  // Checks the page left behind, and the pages between it and `next`,
  // which gave no record at all.
  void finish(size_t cpu, uint64_t next) {
    Cur &c = cur_[cpu];
    const CpuSection &sec = sections_[cpu];
    uint64_t from = c.page == ~0ull ? sec.offset : c.page;
    for (uint64_t page = from; page < next && page < sec.offset + sec.size; page += page_) {
      uint64_t data = commit(page);
      if (!data)
        continue;
      uint64_t end = page == c.page ? c.end : page + 16;
      // The last event of a page may be a time stamp or padding that no
      // record shows: a little slack.
      if (end + 16 < page + 16 + data)
        damaged(end, page + 16 + data);
    }
  }
  void damaged(uint64_t from, uint64_t to) {
    st_.partial = true;
    st_.nul_bytes += to - from; // counted as damaged bytes
    ++st_.nul_lines;
    if (st_.nul_runs.size() < 8)
      st_.nul_runs.emplace_back(from, to - from);
  }

  ReaderStats &st_;
  std::vector<CpuSection> sections_;
  std::vector<Cur> cur_;
  uint32_t page_ = 0;
  int fd_ = -1;
};

// libtracecmd maps a trace.dat's CPU data in large windows and keeps what
// it touched resident until the file is closed: a 1 GiB trace.dat held
// 1.2 GiB. Its mappings are private, read-only views of a file nobody
// writes, so dropping their pages now and then loses nothing (a page
// touched again is read back from the file), and memory stays flat.
class MappingTrimmer {
public:
  explicit MappingTrimmer(const std::string &path) {
    struct stat sb;
    if (stat(path.c_str(), &sb) == 0) {
      dev_ = sb.st_dev;
      ino_ = sb.st_ino;
      ok_ = true;
    }
  }
  void trim() {
    if (!ok_)
      return;
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
      unsigned long lo, hi, off, ino;
      unsigned maj, min;
      char perms[8];
      if (std::sscanf(line.c_str(), "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min,
                      &ino) != 7)
        continue;
      if (ino != ino_ || makedev(maj, min) != dev_ || perms[1] != '-' || perms[3] != 'p')
        continue;
      madvise(reinterpret_cast<void *>(lo), hi - lo, MADV_DONTNEED);
    }
  }

private:
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool ok_ = false;
};

class DatReader {
public:
  // `names_into`: a pre-pass reader, whose names go to that model.
  DatReader(tracecmd_input *handle, const std::string &path, const ReaderContext &ctx,
            ReaderStats &st, KernelModel *names_into = nullptr)
      : tep_(tracecmd_get_tep(handle)), ctx_(ctx), st_(st), model_(ctx, st), pages_(path, st),
        trimmer_(path), names_into_(names_into ? names_into : &model_) {
    trace_seq_init(&seq_);
  }
  ~DatReader() { trace_seq_destroy(&seq_); }
  int record(tep_record *rec);
  int prescan(tep_record *rec);
  KernelModel &model() { return model_; }
  void finish() {
    model_.finish();
    pages_.done();
  }

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
  PageCheck pages_;
  MappingTrimmer trimmer_;
  std::string engine_; // an i915 engine's "class:instance", for the event being read
  KernelModel *names_into_;
  static constexpr uint64_t kPrescanRecords = 1u << 20;
  uint64_t prescanned_ = 0;
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
  case KernelEv::I915RequestAdd:
  case KernelEv::I915RequestIn:
  case KernelEv::I915RequestOut:
  case KernelEv::I915RequestWaitBegin:
  case KernelEv::I915RequestWaitEnd: {
    uint64_t cls, instance;
    if (!num(t, rec, {"ctx"}, &k->ctx) || !num(t, rec, {"seqno"}, &k->seq) ||
        !num(t, rec, {"class"}, &cls) || !num(t, rec, {"instance"}, &instance))
      return false;
    k->has_fence = true;
    engine_ = std::to_string(cls) + ":" + std::to_string(instance); // as "engine=%u:%u"
    k->name = engine_;
    return true;
  }
  case KernelEv::XeJobRun:
  case KernelEv::XeJobFree:
    return str(t, rec, {"dev"}, &k->name) && num(t, rec, {"fence"}, &k->ptr) &&
           num(t, rec, {"seqno"}, &k->seq) && num(t, rec, {"guc_id"}, &k->id);
  case KernelEv::XeHwFenceCreate:
  case KernelEv::XeHwFenceSignal:
    if (!str(t, rec, {"dev"}, &k->name) || !num(t, rec, {"ctx"}, &k->ctx) ||
        !num(t, rec, {"fence"}, &k->ptr) || !num(t, rec, {"seqno"}, &k->seq))
      return false;
    k->has_fence = true;
    return true;
  default:
    return false;
  }
}

int DatReader::record(tep_record *rec) {
  uint64_t n = ++ordinal_;
  ++st_.lines;
  pages_.record(rec->cpu, rec->offset, uint64_t(rec->record_size));
  if (n % ReaderStats::kProgressStride == 0) {
    if (ctx_.progress)
      ctx_.progress(rec->offset);
    if (n % (ReaderStats::kProgressStride * 4) == 0)
      trimmer_.trim();
  }
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
  if (!t.event) {
    // No format has this type: a damaged page decoded as events.
    ++st_.nul_lines;
    st_.partial = true;
    return 0;
  }
  if (t.ev == KernelEv::Unknown) {
    st_.skip(t.name);
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
      return ctx_.strict ? kStop : 0;
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
  return model_.event(k) ? 0 : kStop;
}

// The first records, for names: a context that events use before any
// dma_fence event names it (a request created before the capture began; a
// 6.17 job's dependency added before the job is queued with its ring) gets
// its named class from the start.
int DatReader::prescan(tep_record *rec) {
  if (++prescanned_ > kPrescanRecords)
    return kStop;
  if (prescanned_ % (ReaderStats::kProgressStride * 4) == 0)
    trimmer_.trim();
  EventType &t = type_of(rec);
  bool fence = t.ev >= KernelEv::FenceInit && t.ev <= KernelEv::FenceDestroy;
  if (!fence && t.ev != KernelEv::SchedJobQueue)
    return 0;
  KernelEvent k;
  k.ev = t.ev;
  const char *err;
  if (t.fallback ? !decode_text(t, rec, &k, &err) : !decode(t, rec, &k))
    return 0; // the main pass says what is wrong with it
  if (fence)
    names_into_->learn_names(k.ctx, k.driver, k.timeline);
  else
    names_into_->learn_ring(k.ctx, k.name);
  return 0;
}

int on_record(tracecmd_input *, tep_record *rec, int, void *data) {
  return static_cast<DatReader *>(data)->record(rec);
}

int on_prescan(tracecmd_input *, tep_record *rec, int, void *data) {
  return static_cast<DatReader *>(data)->prescan(rec);
}

} // namespace

bool read_trace_dat(const std::string &path, const ReaderContext &ctx, ReaderStats *st,
                    std::string *err) {
  tracecmd_set_loglevel(TEP_LOG_NONE);
  errno = 0;
  // Headers first, then the data: libtracecmd 3.1's tracecmd_open() frees
  // a half-made handle twice when the data part is cut short (a trace.dat
  // copied while still written); opened in two steps, such a file is an
  // error here and its handle is left alone.
  tracecmd_input *h = tracecmd_open_head(path.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS);
  if (!h) {
    *err = std::string("libtracecmd cannot read this trace.dat's headers") +
           (errno ? std::string(" (") + std::strerror(errno) + ")" : "") +
           "; `trace-cmd report FILE` says why, and its text output can be analyzed instead";
    return false;
  }
  if (tracecmd_init_data(h) < 0) {
    *err = "libtracecmd cannot read this trace.dat's event data (a file cut short, or "
           "damaged CPU buffers); `trace-cmd report FILE` says why";
    return false;
  }
  {
    DatReader r(h, path, ctx, *st);
    // The pre-pass reads a handle of its own: an iteration is not rewound.
    if (tracecmd_input *h2 = tracecmd_open_head(path.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS)) {
      if (tracecmd_init_data(h2) == 0) {
        ReaderStats scratch;
        {
          DatReader pre(h2, path, ctx, scratch, &r.model());
          tracecmd_iterate_events(h2, nullptr, 0, on_prescan, &pre);
        }
        tracecmd_close(h2);
      }
    }
    tracecmd_iterate_events(h, nullptr, 0, on_record, &r);
    r.finish();
    if (st->errors.empty() && st->bad_lines == 0 && st->events == 0)
      st->notes.push_back(ctx.name + ": the trace.dat holds no events");
  }
  tracecmd_close(h);
  if (st->nul_lines > st->nul_runs.size()) {
    uint64_t bad = st->nul_lines - st->nul_runs.size();
    st->errors.push_back(ctx.name + ": " + std::to_string(bad) +
                         (bad == 1 ? " record has" : " records have") +
                         " an event type no format names: damaged pages read as events");
  }
  if (st->nul_bytes) {
    std::string where;
    for (const auto &[at, len] : st->nul_runs)
      where += (where.empty() ? "" : ", ") + std::to_string(len) + " at byte " + std::to_string(at);
    st->errors.push_back(ctx.name + ": " + std::to_string(st->nul_bytes) +
                         " bytes of CPU buffer pages gave no record (" + where +
                         "): damaged pages, their events are lost");
  }
  if (st->backwards) {
    st->partial = true;
    st->errors.push_back(ctx.name + ": record " + std::to_string(st->first_backwards) + ": " +
                         std::to_string(st->backwards) +
                         " records older than the record before on the same CPU");
  }
  return true;
}

namespace {
struct Namer {
  tep_handle *tep;
  const std::set<uint64_t> *want;
  std::unordered_map<uint64_t, std::string> *names;
  uint64_t n = 0;
};
int name_record(tracecmd_input *, tep_record *rec, int, void *data) {
  Namer &m = *static_cast<Namer *>(data);
  if (!m.want->count(++m.n))
    return m.n >= *m.want->rbegin() ? kStop : 0;
  tep_event *ev = tep_find_event_by_record(m.tep, rec);
  (*m.names)[m.n] = ev && ev->name ? ev->name : "?";
  return m.n >= *m.want->rbegin() ? kStop : 0;
}
} // namespace

void name_trace_dat_records(const std::string &path, const std::set<uint64_t> &ordinals,
                            std::unordered_map<uint64_t, std::string> *names) {
  if (ordinals.empty())
    return;
  tracecmd_input *h = tracecmd_open_head(path.c_str(), TRACECMD_FL_LOAD_NO_PLUGINS);
  if (!h)
    return;
  if (tracecmd_init_data(h) < 0)
    return; // left alone: see read_trace_dat
  Namer m{tracecmd_get_tep(h), &ordinals, names};
  tracecmd_iterate_events(h, nullptr, 0, name_record, &m);
  tracecmd_close(h);
}

} // namespace fencedep::offline
