#include "fencedep/core/report_printer.h"

#include <cstring>

#include "fencedep/core/model_event.h"

namespace fencedep {

static const char *base_name(const char *path) {
  if (!path)
    return nullptr;
  const char *s = std::strrchr(path, '/');
  return s ? s + 1 : path;
}

static void write_module_offset(const FrameView &f, Writer &w) {
  if (f.module)
    w.str(base_name(f.module)).ch('+').hex(f.offset);
  else
    w.hex(f.pc);
}

static bool has_line(const FrameView &f) { return f.file && f.line; }

static void write_file_line(const FrameView &f, Writer &w) {
  w.str(base_name(f.file)).ch(':').dec(f.line);
  if (f.column)
    w.ch(':').dec(f.column);
}

// A line of a text trace is a place of its own; the event it holds, which
// a symbolizer gives as its function, says nothing more.
static bool is_trace_line(const FrameView &f) { return is_text_location(f.pc) && has_line(f); }

// A code site: "ring.c:42:7 in ring_create", without line tables
// "libfoo.so+0x1a2b in ring_create", without symbols "libfoo.so+0x1a2b".
static void write_site(const FrameView &f, Writer &w) {
  if (has_line(f))
    write_file_line(f, w);
  else
    write_module_offset(f, w);
  if (f.function && !is_trace_line(f))
    w.str(" in ").str(f.function);
}

// The place of an acquisition or wait: "worker ring.c:88:5", without line
// tables "worker (libfoo.so+0x1a2b)".
static void write_place(const FrameView &f, Writer &w) {
  if (!f.function || is_trace_line(f)) {
    if (has_line(f))
      write_file_line(f, w);
    else
      write_module_offset(f, w);
    return;
  }
  w.str(f.function).ch(' ');
  if (has_line(f)) {
    write_file_line(f, w);
  } else {
    w.ch('(');
    write_module_offset(f, w);
    w.ch(')');
  }
}

// A wrapper whose body starts with the lock call: the call is on the line
// the function starts on or one of the two after ("static void lock(struct
// q *q) { pthread_mutex_lock(&q->m); }" in one line, three or four with the
// brace on a line of its own). Debug info gives where a function starts,
// not where it ends.
static bool is_lock_wrapper_frame(const FrameView &f) {
  return f.function_line && f.line >= f.function_line && f.line <= f.function_line + 2;
}

static bool same_file(const FrameView &a, const FrameView &b) {
  return a.file && b.file && strcmp(a.file, b.file) == 0;
}

// Out of the inline chain, while the frame is a one-line wrapper or a
// helper from another file than the function everything was inlined into
// (a header's: `std::mutex::lock`, `__gthread_mutex_lock`,
// `std::unique_lock`, a project's `lock()` in its own header).
const FrameView &report_place(const FrameView &f) {
  const FrameView *outer = &f;
  for (unsigned i = 0; outer->inlined_into && i < 64; ++i)
    outer = outer->inlined_into;
  const FrameView *p = &f;
  while (p != outer && p->inlined_into && (is_lock_wrapper_frame(*p) || !same_file(*p, *outer)))
    p = p->inlined_into;
  return *p;
}

const char *class_display_name(const ClassView &c, char *buf, size_t cap) {
  BufferWriter w(buf, cap);
  if (c.name) {
    w.str(c.name);
    return buf;
  }
  w.str(class_kind_name(c.kind));
  const FrameView &s = c.site;
  if (!s.pc && !s.module && !s.function) {
    if (c.key)
      w.ch('#').hex(c.key & 0xffffffff, false);
    return buf;
  }
  w.ch(' ');
  // What the module offset would add to tell two classes apart: nothing
  // when it is printed already.
  bool offset_printed = false;
  if (c.flags & (kClassStatic | kClassEntry)) {
    // A static object by its own symbol, a thread's exits by its start
    // routine.
    if (s.function) {
      w.str(s.function);
      if ((c.flags & kClassStatic) && s.symbol_offset)
        w.ch('+').hex(s.symbol_offset);
    } else {
      write_module_offset(s, w);
      offset_printed = true;
    }
  } else {
    // A site inside an inlined one-line init wrapper is its caller's.
    const FrameView &p = report_place(s);
    write_site(p, w);
    offset_printed = !has_line(p);
  }
  if (c.qualify && !offset_printed && s.module) {
    w.str(" [");
    write_module_offset(s, w);
    w.ch(']');
  }
  if (c.qualify > 1)
    w.ch('#').hex(c.key & 0xffffffff, false);
  // One class per object: which object, after where it was made.
  if (c.address)
    w.str(" @").hex(c.address);
  return buf;
}

// The form before sites carried their column and function.
const char *class_legacy_name(const ClassView &c, char *buf, size_t cap) {
  BufferWriter w(buf, cap);
  if (c.name) {
    w.str(c.name);
    return buf;
  }
  w.str(class_kind_name(c.kind));
  const FrameView &s = c.site;
  if (s.pc || s.module || s.function) {
    w.ch('@');
    if ((c.flags & (kClassStatic | kClassEntry)) && s.function)
      w.str(s.function);
    else if (has_line(s))
      w.str(base_name(s.file)).ch(':').dec(s.line);
    else if (s.function)
      w.str(s.function);
    else
      write_module_offset(s, w);
  } else if (c.key) {
    w.ch('#').hex(c.key & 0xffffffff, false);
  }
  return buf;
}

void qualify_class_names(ClassView *const *views, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    views[i]->qualify = 0;
  for (uint8_t level = 1; level <= 2; ++level) {
    char a[512], b[512];
    for (uint32_t i = 0; i < n; ++i) {
      if (!views[i]->key && !views[i]->name)
        continue;
      class_display_name(*views[i], a, sizeof a);
      for (uint32_t j = i + 1; j < n; ++j) {
        if (views[j]->key == views[i]->key)
          continue;
        if (strcmp(a, class_display_name(*views[j], b, sizeof b)) != 0)
          continue;
        views[i]->qualify = level;
        views[j]->qualify = level;
      }
    }
    // Same key, same class: each copy says the same.
    for (uint32_t i = 0; i < n; ++i)
      for (uint32_t j = 0; j < n; ++j)
        if (views[i]->key == views[j]->key && views[j]->qualify > views[i]->qualify)
          views[i]->qualify = views[j]->qualify;
  }
}

static void name(const ClassView &c, Writer &w) {
  char buf[512];
  w.str(class_display_name(c, buf, sizeof buf));
}

// The verb for entering `to` along an edge, as in lockdep's scenario table.
static void action(EdgeKind kind, const ClassView &to, bool read, Writer &w,
                   uint64_t instance = 0) {
  const char *verb = "lock";
  switch (to.kind) {
  case ClassKind::CondVar:
    verb = "cond_wait";
    break;
  case ClassKind::Semaphore:
    verb = "sem_wait";
    break;
  case ClassKind::ThreadExit:
    verb = "join";
    break;
  case ClassKind::Barrier:
    verb = "barrier_wait";
    break;
  case ClassKind::EventFd:
    verb = "eventfd_read";
    break;
  case ClassKind::Reclaim:
    verb = kind == EdgeKind::Reclaim ? "alloc_may_reclaim" : "enter_reclaim";
    break;
  case ClassKind::Fence:
  case ClassKind::Syncobj:
  case ClassKind::SyncFile:
    verb = "wait";
    break;
  default:
    verb = read ? "read_lock" : "lock";
  }
  if (kind == EdgeKind::Await)
    verb = "await";
  w.str(verb).ch('(');
  if (to.kind != ClassKind::Reclaim)
    name(to, w);
  if (instance) // objects of one class: say which
    w.str(", object ").hex(instance);
  w.str(");");
}

static void write_frames(const FrameView *frames, uint32_t n, Writer &w, unsigned indent) {
  if (n == 0) {
    w.spaces(indent).str("(no stack recorded)\n");
    return;
  }
  // Inlined calls are frames of their own, innermost first, as the
  // sanitizers print them; they share their pc.
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; ++i) {
    unsigned levels = 0;
    for (const FrameView *l = &frames[i]; l && levels < 16; l = l->inlined_into, ++levels) {
      const FrameView &f = *l;
      w.spaces(indent).ch('#').dec(k++).ch(' ').hex(frames[i].pc).str(" in ");
      w.str(f.function ? f.function : "??");
      if (f.file) {
        w.ch(' ').str(f.file);
        if (f.line)
          w.ch(':').dec(f.line);
        if (f.column)
          w.ch(':').dec(f.column);
      }
      if (frames[i].module)
        w.str(" (").str(base_name(frames[i].module)).str("+").hex(frames[i].offset).ch(')');
      w.ch('\n');
    }
  }
}

// One entry of a held-locks list, lockdep style: " #0: (class) read, at: file:line".
static void held_line(const HeldView &h, uint32_t index, unsigned indent, Writer &w) {
  w.spaces(indent).ch('#').dec(index).str(": (");
  name(h.cls, w);
  w.ch(')');
  if (h.read)
    w.str(" read");
  if (h.label)
    w.str(" [").str(h.label).ch(']');
  if (h.at.pc || h.at.function) {
    w.str(", at: ");
    write_place(report_place(h.at), w);
  }
  w.ch('\n');
}

static const char *headline(const ReportView &r) {
  switch (r.kind) {
  case ReportKind::LockOrder:
    if (r.nchain && r.chain[0].from_inst && r.chain[0].from.key == r.chain[0].to.key)
      return r.nchain == 2 ? "possible ABBA deadlock between two locks of one class"
                           : "possible deadlock: a ring of locks of one class";
    return "possible circular locking dependency detected";
  case ReportKind::WaitCycle:
    return "possible circular wait dependency detected";
  case ReportKind::AwaitCycle:
    return "fence await cycle detected: these fences can never signal";
  case ReportKind::LrViolation:
    return "long-running fence misuse detected";
  case ReportKind::LiveHang:
    return "threads blocked: live wait-for graph";
  default:
    return "?";
  }
}

// Live hangs: "acquiring mutex@a.c:3", "waiting for submission of syncobj@b.c:9".
static void blocked_on(const BlockedOnView &o, Writer &w) {
  switch (o.how) {
  case EdgeKind::Acquire:
    w.str("acquiring ");
    break;
  case EdgeKind::WaitForSubmit:
    w.str("waiting for submission of ");
    break;
  default:
    w.str("waiting for ");
  }
  name(o.cls, w);
}

void print_report_summary(const ReportView &r, Writer &w) {
  w.str("SUMMARY: fencedep: ").str(report_kind_name(r.kind)).ch(' ');
  if (r.kind == ReportKind::LiveHang && r.nblocked) {
    for (uint32_t i = 0; i < r.nblocked; ++i) {
      const BlockedThreadView &b = r.blocked[i];
      w.str(i ? ", thread " : "thread ").dec(b.tid).ch(' ');
      if (b.non)
        blocked_on(b.on[0], w);
      if (b.non > 1)
        w.str(b.wait_all ? " and more" : " or more");
    }
  } else if (r.kind == ReportKind::LrViolation) {
    w.str("long-running fence ");
    name(r.subject, w);
    w.ch(' ').str(lr_use_name(r.lr_use));
    if (r.lr_context.key || r.lr_context.name) {
      w.str(" (");
      name(r.lr_context, w);
      w.ch(')');
    }
  } else if (r.nchain) {
    for (uint32_t i = 0; i < r.nchain; ++i) {
      name(r.chain[i].from, w);
      w.str(" -> ");
    }
    name(r.chain[r.nchain - 1].to, w);
  } else {
    name(r.subject, w);
  }
  if (r.gated) {
    w.str(" [gated by ");
    name(r.gate, w);
    w.ch(']');
  }
  if (r.predicted)
    w.str(" [class-predicted]");
  w.str(" (pid ").dec(r.pid).ch(')');
}

static void scenario(const ReportView &r, Writer &w) {
  uint32_t n = r.nchain;
  if (n < 2 || n > 4)
    return;
  // Context i holds (or is inside) chain[i].from and then enters
  // chain[i].to, which context i+1 holds: cell [i][0] is the first, [i][1]
  // the second.
  char cells[4][2][512];
  size_t widest = 0;
  for (uint32_t i = 0; i < n; ++i) {
    const EdgeView &e = r.chain[i];
    BufferWriter c(cells[i][0], sizeof cells[i][0]);
    if (e.kind == EdgeKind::Signal) {
      c.str("/* will signal ");
      name(e.from, c);
      c.str(" */");
    } else if (e.kind == EdgeKind::Section) {
      c.str("begin_signalling(");
      name(e.from, c);
      c.str(");");
    } else if (e.kind == EdgeKind::Await) {
      c.str("/* fence ");
      name(e.from, c);
      c.str(" */");
    } else {
      action(EdgeKind::Acquire, e.from, e.src_read, c, e.from_inst);
    }
    BufferWriter d(cells[i][1], sizeof cells[i][1]);
    action(e.kind, e.to, e.dst_read, d, e.to_inst);
    for (const char *cell : cells[i])
      if (strlen(cell) > widest)
        widest = strlen(cell);
  }
  // Columns as wide as the widest cell, so that each context's column
  // starts right of every other's text; 32 when names are short.
  const unsigned col = widest + 2 > 32 ? unsigned(widest + 2) : 32;
  w.str("\n Possible unsafe scenario:\n\n");
  w.spaces(7);
  for (uint32_t i = 0; i < n; ++i) {
    if (i)
      w.spaces(col - (i - 1 < 10 ? 2 : 3));
    w.str("T").dec(i);
  }
  w.ch('\n').spaces(7);
  for (uint32_t i = 0; i < n; ++i) {
    if (i)
      w.spaces(col - 4);
    w.str("----");
  }
  w.ch('\n');
  for (uint32_t i = 0; i < n; ++i)
    w.spaces(2 + col * i).str(cells[i][0]).ch('\n');
  for (uint32_t i = n; i > 0; --i)
    w.spaces(2 + col * (i - 1)).str(cells[i - 1][1]).ch('\n');
  w.str("\n *** DEADLOCK ***\n");
}

// Which blocked thread (index into r.blocked) `b` waits for, or -1: the
// holder of what it acquires, the thread it joins, else the last signaller
// of what it waits on - never itself: a thread does not wake itself.
static int waits_for(const ReportView &r, const BlockedThreadView &b) {
  for (uint32_t k = 0; k < b.non; ++k) {
    if (!b.on[k].owner_tid || b.on[k].owner_tid == b.tid)
      continue;
    for (uint32_t j = 0; j < r.nblocked; ++j)
      if (r.blocked[j].tid == b.on[k].owner_tid)
        return int(j);
  }
  return -1;
}

// The live wait-for graph: each blocked thread, what it is blocked on and
// who holds or last signalled that, what it holds; then the thread-level
// edges, and a cycle among them when there is one.
static void live_hang(const ReportView &r, Writer &w) {
  if (r.stall)
    w.str("every thread of the process is blocked, none has moved for the timeout:\n");
  w.dec(r.nblocked).str(r.nblocked == 1 ? " thread" : " threads").str(" blocked:\n");
  for (uint32_t i = 0; i < r.nblocked; ++i) {
    const BlockedThreadView &b = r.blocked[i];
    w.str("\nthread ").dec(b.tid).str(" blocked for ").dec(b.blocked_ms).str(" ms");
    if (b.at.pc || b.at.function) {
      w.str(" at ");
      write_place(report_place(b.at), w);
    }
    w.str(b.non > 1 ? (b.wait_all ? ", on all of:\n" : ", on any of:\n") : ":\n");
    for (uint32_t k = 0; k < b.non; ++k) {
      const BlockedOnView &o = b.on[k];
      w.spaces(2);
      blocked_on(o, w);
      w.str(" (instance ").hex(o.instance).str("), ");
      if (o.how == EdgeKind::Acquire)
        o.owner_tid ? w.str("held by thread ").dec(o.owner_tid) : w.str("holder unknown");
      else if (o.definite && o.owner_tid)
        w.str("ended by thread ").dec(o.owner_tid);
      else
        o.owner_tid ? w.str("last signalled by thread ").dec(o.owner_tid)
                    : w.str("never signalled");
      w.ch('\n');
    }
    if (!b.nheld)
      w.str("  holding nothing\n");
    else
      w.str("  holding:\n");
    for (uint32_t k = 0; k < b.nheld; ++k)
      held_line(b.held[k], k, 3, w);
  }
  constexpr uint32_t kMaxGraph = 64;
  uint32_t n = r.nblocked < kMaxGraph ? r.nblocked : kMaxGraph;
  int next[kMaxGraph];
  bool any = false;
  for (uint32_t i = 0; i < n; ++i) {
    next[i] = waits_for(r, r.blocked[i]);
    any |= next[i] >= 0 && uint32_t(next[i]) < n;
  }
  if (!any)
    return;
  w.str("\nwait-for graph:\n");
  for (uint32_t i = 0; i < n; ++i)
    if (next[i] >= 0 && uint32_t(next[i]) < n)
      w.str("  thread ").dec(r.blocked[i].tid).str(" -> thread ").dec(r.blocked[next[i]].tid)
          .ch('\n');
  // Walk from each thread; revisiting the walk's own path is a cycle.
  for (uint32_t start = 0; start < n; ++start) {
    uint8_t on_path[kMaxGraph] = {};
    int at = int(start);
    while (at >= 0 && uint32_t(at) < n && !on_path[at]) {
      on_path[at] = 1;
      at = next[at];
    }
    if (at != int(start))
      continue;
    w.str("threads ");
    int k = int(start);
    do {
      w.dec(r.blocked[k].tid).str(" -> ");
      k = next[k];
    } while (k != int(start));
    w.dec(r.blocked[start].tid).str(" wait for each other: deadlock\n");
    return;
  }
}

void print_report_text(const ReportView &r, Writer &w) {
  w.str("======================================================\n");
  w.str("WARNING: ").str(headline(r)).ch('\n');
  w.str("fencedep: ").str(report_kind_name(r.kind)).str(" in pid ").dec(r.pid);
  w.str(", thread ").dec(r.tid);
  if (r.program)
    w.str(" (").str(r.program).ch(')');
  w.ch('\n');
  if (r.predicted)
    w.str("class-predicted: no objects seen so far close this cycle; objects of these\n"
          "classes could (report_predicted=0 hides such reports)\n");
  w.str("------------------------------------------------------\n");
  if (r.kind == ReportKind::LiveHang && r.nblocked) {
    live_hang(r, w);
    w.ch('\n');
    print_report_summary(r, w);
    w.str("\n======================================================\n");
    return;
  }
  if (r.kind == ReportKind::LrViolation) {
    w.str("long-running fence ");
    name(r.subject, w);
    w.str(" was ").str(lr_use_name(r.lr_use)).str(":\n");
    write_frames(r.stack, r.nstack, w, 2);
    w.str("\nA long-running fence completes only when userspace lets it; ");
    switch (r.lr_use) {
    case LrUse::ResvAttach:
      w.str("in a reservation object every memory-management wait on the object\n"
            "inherits that unbounded wait.\n");
      break;
    case LrUse::Export:
      w.str("an exported fence (sync_file, syncobj) is waited\n"
            "on by others as if it completed in bounded time.\n");
      break;
    default:
      w.str("waiting on it from reclaim or under a\n"
            "memory-management lock can stall memory reclaim indefinitely.\n");
      break;
    }
  } else {
    if (r.detail)
      w.str(r.detail).ch('\n');
    w.str("thread ").dec(r.tid);
    if (r.subject_kind == EdgeKind::Signal && r.nchain) {
      // The new edge is W -> x: this thread signals W, and has taken x
      // (or holds it) on the way there.
      w.str(" is signalling ");
      name(r.chain[0].from, w);
      w.str(" after ");
      action(EdgeKind::Acquire, r.subject, r.subject_read, w);
      w.ch('\n');
    } else {
      w.str(" is trying to ");
      action(r.subject_kind, r.subject, r.subject_read, w);
      w.ch('\n');
    }
    if (r.nchain) {
      w.str("\nwhich closes the dependency cycle:\n\n");
      for (uint32_t i = 0; i < r.nchain; ++i) {
        const EdgeView &e = r.chain[i];
        w.str("-> #").dec(i).str(" (");
        name(e.from, w);
        if (e.from_inst)
          w.str(", object ").hex(e.from_inst);
        w.str(") -> (");
        name(e.to, w);
        if (e.to_inst)
          w.str(", object ").hex(e.to_inst);
        w.str("): ").str(edge_kind_name(e.kind));
        if (e.src_read || e.dst_read)
          w.str(e.src_read ? " R" : " W").str(e.dst_read ? "R" : "W");
        w.str(", first seen in pid ").dec(e.pid).str(" thread ").dec(e.tid);
        if (e.trace)
          w.str(" of ").str(e.trace);
        w.str(":\n");
        if (e.from_inst_site.pc || e.from_inst_site.function) {
          w.spaces(7).str("(object ").hex(e.from_inst).str(" was created at ");
          write_site(report_place(e.from_inst_site), w);
          w.str(")\n");
        }
        write_frames(e.stack, e.nstack, w, 7);
        w.ch('\n');
      }
    }
    scenario(r, w);
    if (r.gated) {
      w.str("\nNote: every edge of this cycle was taken under ");
      name(r.gate, w);
      w.str(", so it cannot deadlock.\n");
    }
  }
  uint32_t total = r.nheld_total > r.nheld ? r.nheld_total : r.nheld;
  w.ch('\n').dec(total).str(total == 1 ? " lock" : " locks").str(" held by thread ");
  w.dec(r.tid);
  if (total > r.nheld)
    w.str(", ").dec(r.nheld).str(" of them shown (the cycle's and the latest)");
  w.str(total ? ":\n" : ".\n");
  for (uint32_t i = 0; i < r.nheld; ++i)
    held_line(r.held[i], total > r.nheld ? r.held[i].index : i, 1, w);
  if (total > r.nheld)
    w.str(" ... and ").dec(total - r.nheld).str(" more\n");
  if (r.kind != ReportKind::LrViolation && r.nstack) {
    w.str("\nstack of thread ").dec(r.tid).str(":\n");
    write_frames(r.stack, r.nstack, w, 2);
  }
  w.ch('\n');
  print_report_summary(r, w);
  w.str("\n======================================================\n");
}

// --- JSON -------------------------------------------------------------------

static void json_frame(const FrameView &f, Writer &w, unsigned depth = 0) {
  w.str("{\"pc\":\"").hex(f.pc).str("\",\"module\":").json_str(f.module);
  w.str(",\"offset\":\"").hex(f.offset).str("\",\"function\":").json_str(f.function);
  w.str(",\"file\":").json_str(f.file).str(",\"line\":").dec(f.line);
  w.str(",\"column\":").dec(f.column);
  if (f.symbol_offset)
    w.str(",\"symbol_offset\":\"").hex(f.symbol_offset).ch('"');
  if (f.function_line)
    w.str(",\"function_line\":").dec(f.function_line);
  // Inline chains are a few levels deep; the bound keeps a bad one finite.
  if (f.inlined_into && depth < 16) {
    w.str(",\"inlined_into\":");
    json_frame(*f.inlined_into, w, depth + 1);
  }
  w.ch('}');
}

// Where a held lock was taken or a thread blocked, as the text says it.
static void json_place(const FrameView &at, Writer &w) {
  const FrameView &p = report_place(at);
  FrameView flat = p;
  flat.inlined_into = nullptr;
  w.str(",\"place\":");
  json_frame(flat, w);
}

static void json_frames(const FrameView *f, uint32_t n, Writer &w) {
  w.ch('[');
  for (uint32_t i = 0; i < n; ++i) {
    if (i)
      w.ch(',');
    json_frame(f[i], w);
  }
  w.ch(']');
}

static void json_class(const ClassView &c, Writer &w) {
  char buf[512];
  w.str("{\"key\":\"").hex(c.key).str("\",\"kind\":").json_str(class_kind_name(c.kind));
  w.str(",\"flags\":").dec(c.flags).str(",\"name\":").json_str(c.name);
  w.str(",\"display\":").json_str(class_display_name(c, buf, sizeof buf));
  if (c.address)
    w.str(",\"address\":\"").hex(c.address).ch('"');
  w.str(",\"site\":");
  json_frame(c.site, w);
  w.ch('}');
}

static void json_held(const HeldView &h, Writer &w) {
  w.str("{\"class\":");
  json_class(h.cls, w);
  w.str(",\"read\":").str(h.read ? "true" : "false");
  w.str(",\"label\":").json_str(h.label).str(",\"at\":");
  json_frame(h.at, w);
  json_place(h.at, w);
  w.ch('}');
}

// Live hangs: ,"threads":[...], one entry per blocked thread.
static void json_blocked(const ReportView &r, Writer &w) {
  w.str(",\"stall\":").str(r.stall ? "true" : "false");
  w.str(",\"threads\":[");
  for (uint32_t i = 0; i < r.nblocked; ++i) {
    const BlockedThreadView &b = r.blocked[i];
    if (i)
      w.ch(',');
    w.str("{\"tid\":").dec(b.tid).str(",\"blocked_ms\":").dec(b.blocked_ms);
    w.str(",\"wait_all\":").str(b.wait_all ? "true" : "false").str(",\"at\":");
    json_frame(b.at, w);
    json_place(b.at, w);
    w.str(",\"on\":[");
    for (uint32_t k = 0; k < b.non; ++k) {
      const BlockedOnView &o = b.on[k];
      if (k)
        w.ch(',');
      w.str("{\"class\":");
      json_class(o.cls, w);
      w.str(",\"instance\":\"").hex(o.instance).str("\",\"how\":").json_str(edge_kind_name(o.how));
      w.str(",\"owner_tid\":").dec(o.owner_tid);
      w.str(",\"definite\":").str(o.definite ? "true" : "false").ch('}');
    }
    w.str("],\"held\":[");
    for (uint32_t k = 0; k < b.nheld; ++k) {
      if (k)
        w.ch(',');
      json_held(b.held[k], w);
    }
    w.str("]}");
  }
  w.ch(']');
}

void print_report_json(const ReportView &r, Writer &w) {
  w.str("{\"fencedep_report\":1,\"kind\":").json_str(report_kind_name(r.kind));
  w.str(",\"pid\":").dec(r.pid).str(",\"tid\":").dec(r.tid);
  w.str(",\"program\":").json_str(r.program);
  char summary[2048];
  BufferWriter sw(summary, sizeof summary);
  print_report_summary(r, sw);
  w.str(",\"summary\":").json_str(summary);
  w.str(",\"subject\":");
  json_class(r.subject, w);
  w.str(",\"subject_kind\":").json_str(edge_kind_name(r.subject_kind));
  w.str(",\"subject_read\":").str(r.subject_read ? "true" : "false");
  w.str(",\"chain\":[");
  for (uint32_t i = 0; i < r.nchain; ++i) {
    const EdgeView &e = r.chain[i];
    if (i)
      w.ch(',');
    w.str("{\"from\":");
    json_class(e.from, w);
    w.str(",\"to\":");
    json_class(e.to, w);
    w.str(",\"kind\":").json_str(edge_kind_name(e.kind));
    w.str(",\"src_read\":").str(e.src_read ? "true" : "false");
    w.str(",\"dst_read\":").str(e.dst_read ? "true" : "false");
    w.str(",\"pid\":").dec(e.pid).str(",\"tid\":").dec(e.tid);
    w.str(",\"trace\":").json_str(e.trace).str(",\"stack\":");
    json_frames(e.stack, e.nstack, w);
    if (e.from_inst || e.to_inst) {
      w.str(",\"from_instance\":\"").hex(e.from_inst).str("\",\"to_instance\":\"");
      w.hex(e.to_inst).str("\",\"from_instance_site\":");
      json_frame(e.from_inst_site, w);
    }
    w.ch('}');
  }
  w.str("],\"held\":[");
  for (uint32_t i = 0; i < r.nheld; ++i) {
    if (i)
      w.ch(',');
    json_held(r.held[i], w);
  }
  w.str("],\"held_total\":").dec(r.nheld_total > r.nheld ? r.nheld_total : r.nheld);
  w.str(",\"stack\":");
  json_frames(r.stack, r.nstack, w);
  w.str(",\"gated\":").str(r.gated ? "true" : "false");
  w.str(",\"predicted\":").str(r.predicted ? "true" : "false");
  w.str(",\"gate\":");
  if (r.gated)
    json_class(r.gate, w);
  else
    w.str("null");
  w.str(",\"lr_use\":");
  if (r.kind == ReportKind::LrViolation)
    w.json_str(lr_use_id(r.lr_use));
  else
    w.str("null");
  w.str(",\"lr_context\":");
  if (r.kind == ReportKind::LrViolation && (r.lr_context.key || r.lr_context.name))
    json_class(r.lr_context, w);
  else
    w.str("null");
  w.str(",\"detail\":").json_str(r.detail);
  if (r.kind == ReportKind::LiveHang)
    json_blocked(r, w);
  w.ch('}');
}

} // namespace fencedep
