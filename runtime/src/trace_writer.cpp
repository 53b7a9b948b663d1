#include "trace_writer.h"

#include <fcntl.h>
#include <link.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

#include "fencedep/core/trace_codec.h"
#include "fencedep/core/writer.h"
#include "real_functions.h"
#include "runtime.h"
#include "stack_capture.h"

namespace fencedep::runtime {

namespace {

constexpr size_t kBufSize = 64 * 1024;

// One buffer per thread, from a pool that is never unmapped: a chunk is
// written when the buffer fills, when the thread ends and at process exit.
struct ThreadBuf {
  SpinLock lock;
  uint32_t tid;
  uint32_t count;
  size_t used;
  uint64_t last_ns;
  bool in_use;
  ThreadBuf *next;
  uint8_t data[kBufSize];
};

int trace_fd = -1;
SpinLock file_lock;
SpinLock pool_lock;
ThreadBuf *all_bufs;
RawArray<uint8_t> class_written; // bitmap by class id
SpinLock class_lock;
uint8_t class_buf[kBufSize];
size_t class_used;
uint32_t class_count;
uint64_t start_ns;
std::atomic<uint64_t> chunks_lost{0};
struct ModuleBuf {
  uint8_t data[kBufSize];
  size_t used;
  uint32_t count;
};
__thread ThreadBuf *my_buf __attribute__((tls_model("initial-exec")));

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

void write_all(const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = REAL(write)(trace_fd, p, n);
    if (w <= 0) {
      chunks_lost.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    p += w;
    n -= size_t(w);
  }
}

void write_chunk(ChunkType type, uint32_t tid, const uint8_t *payload, size_t n, uint32_t count) {
  uint8_t hdr[kChunkHeaderSize];
  encode_chunk_header(hdr, ChunkHeader{type, rt.pid, tid, uint32_t(n), count,
                                       trace_checksum(payload, n)});
  write_all(hdr, sizeof hdr);
  write_all(payload, n);
}

// Class definitions must precede the events that use them in the file.
void flush_classes_locked() {
  SpinGuard g(class_lock);
  if (!class_used)
    return;
  write_chunk(ChunkType::Classes, 0, class_buf, class_used, class_count);
  class_used = 0;
  class_count = 0;
}

void flush_buf(ThreadBuf *b) {
  if (!b->used)
    return;
  SpinGuard g(file_lock);
  flush_classes_locked();
  write_chunk(ChunkType::Events, b->tid, b->data, b->used, b->count);
  b->used = 0;
  b->count = 0;
}

void define_class(ClassId id) {
  if (id == kNoClass || id >= class_written.capacity() * 8)
    return;
  uint8_t bit = uint8_t(1u << (id & 7));
  if (__atomic_load_n(&class_written[id >> 3], __ATOMIC_ACQUIRE) & bit)
    return;
  const ClassInfo &ci = rt.engine.classes().info(id);
  TraceClass tc{id,
                ci.key,
                ci.kind,
                ci.flags.load(std::memory_order_relaxed),
                ci.name,
                ci.name ? uint32_t(strlen(ci.name)) : 0,
                ci.site.module,
                ci.site.module ? uint32_t(strlen(ci.site.module)) : 0,
                ci.site.offset};
  for (;;) {
    {
      SpinGuard g(class_lock);
      if (class_written[id >> 3] & bit)
        return;
      if (encode_class(class_buf, sizeof class_buf, &class_used, tc)) {
        ++class_count;
        __atomic_fetch_or(&class_written[id >> 3], bit, __ATOMIC_RELEASE);
        return;
      }
    }
    SpinGuard g(file_lock);
    flush_classes_locked();
  }
}

ThreadBuf *buffer_for(uint32_t tid) {
  if (my_buf && my_buf->tid == tid)
    return my_buf;
  SpinGuard g(pool_lock);
  ThreadBuf *b = nullptr;
  for (ThreadBuf *p = all_bufs; p; p = p->next) {
    if (!p->in_use) {
      b = p;
      break;
    }
  }
  if (!b) {
    b = static_cast<ThreadBuf *>(raw_map(sizeof(ThreadBuf)));
    if (!b)
      return nullptr;
    b->next = all_bufs;
    all_bufs = b;
  }
  b->in_use = true;
  b->tid = tid;
  b->used = 0;
  b->count = 0;
  b->last_ns = start_ns;
  my_buf = b;
  return b;
}

// The module map lets offline analysis turn pcs into module + offset.
int add_module(struct dl_phdr_info *info, size_t, void *arg) {
  auto *buf = static_cast<ModuleBuf *>(arg);
  uint64_t lo = ~0ull, hi = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD)
      continue;
    uint64_t a = info->dlpi_addr + ph.p_vaddr;
    lo = a < lo ? a : lo;
    hi = a + ph.p_memsz > hi ? a + ph.p_memsz : hi;
  }
  const char *path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : exe_path();
  if (!path || lo >= hi)
    return 0;
  TraceModule m{lo, hi - lo, path, uint32_t(strlen(path))};
  if (encode_module(buf->data, sizeof buf->data, &buf->used, m))
    ++buf->count;
  return 0;
}

void write_modules() {
  static ModuleBuf buf;
  buf.used = 0;
  buf.count = 0;
  dl_iterate_phdr(add_module, &buf);
  write_chunk(ChunkType::Modules, 0, buf.data, buf.used, buf.count);
}

} // namespace

int trace_fd_for_hooks = -1;

bool trace_open(const char *path) {
  // "%p" in the path becomes the pid, so that each process of a run can
  // have its own file; without it processes append chunks to one file.
  char expanded[4096];
  BufferWriter w(expanded, sizeof expanded);
  for (const char *p = path; *p; ++p) {
    if (p[0] == '%' && p[1] == 'p') {
      w.dec(rt.pid);
      ++p;
    } else {
      w.ch(*p);
    }
  }
  int fd = open(expanded, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    FdWriter err(2);
    err.str("fencedep: cannot open trace '").str(expanded).str("': ").str(strerror(errno));
    err.ch('\n');
    return false;
  }
  if (!class_written.init(ClassRegistry::kDefaultCapacity / 8 + 1)) {
    REAL(close)(fd);
    return false;
  }
  start_ns = now_ns();
  uint8_t hdr[kFileHeaderSize];
  encode_file_header(hdr, FileHeader{kTraceVersion, rt.pid, start_ns});
  trace_fd = fd;
  write_all(hdr, sizeof hdr);
  write_modules();
  trace_fd_for_hooks = fd;
  return true;
}

void trace_event(const TraceEvent &e) {
  ThreadBuf *b = buffer_for(e.tid);
  if (!b)
    return;
  define_class(e.cls);
  define_class(e.cls2);
  uint64_t t = now_ns();
  SpinGuard g(b->lock);
  // A chunk's first event is timed from the trace start, later ones from
  // their predecessor, so every chunk decodes on its own.
  if (!encode_event(b->data, kBufSize, &b->used, e, b->count ? t - b->last_ns : t - start_ns)) {
    flush_buf(b);
    encode_event(b->data, kBufSize, &b->used, e, t - start_ns);
  }
  b->last_ns = t;
  ++b->count;
}

void trace_close() {
  if (trace_fd < 0)
    return;
  for (ThreadBuf *b = all_bufs; b; b = b->next) {
    SpinGuard g(b->lock);
    flush_buf(b);
  }
  SpinGuard g(file_lock);
  flush_classes_locked();
}

void trace_thread_exit() {
  ThreadBuf *b = my_buf;
  if (trace_fd < 0 || !b)
    return;
  {
    SpinGuard g(b->lock);
    flush_buf(b);
  }
  my_buf = nullptr;
  SpinGuard g(pool_lock);
  b->in_use = false;
}

void trace_after_fork() {
  file_lock.reset();
  pool_lock.reset();
  class_lock.reset();
  // Buffers of threads that do not exist in the child belong to the parent.
  for (ThreadBuf *b = all_bufs; b; b = b->next) {
    b->lock.reset();
    if (b != my_buf) {
      b->in_use = false;
      b->used = 0;
      b->count = 0;
    }
  }
  if (my_buf) {
    my_buf->used = 0;
    my_buf->count = 0;
  }
}

} // namespace fencedep::runtime
