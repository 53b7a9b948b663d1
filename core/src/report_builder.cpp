#include "fencedep/core/report_builder.h"

#include <cstring>

#include "fencedep/core/report_printer.h"
#include "fencedep/core/writer.h"

namespace fencedep {

void build_class_view(Engine &e, ClassId id, Symbolizer &sym, ClassView *out) {
  *out = ClassView{};
  if (id == kNoClass)
    return;
  const ClassInfo &c = e.classes().info(id);
  out->key = c.key;
  out->kind = c.kind;
  out->flags = c.flags.load(std::memory_order_relaxed);
  out->name = c.name;
  if (out->flags & kClassInstance)
    out->address = c.address;
  if (c.site.pc) {
    sym.symbolize(c.site.pc, !(out->flags & (kClassStatic | kClassEntry)), &out->site);
  } else {
    out->site.module = c.site.module;
    out->site.offset = c.site.offset;
  }
}

static uint32_t fill_stack(Engine &e, StackId id, Symbolizer &sym, FrameView *out) {
  StackView v = e.stacks().get(id);
  for (uint32_t i = 0; i < v.size; ++i) {
    out[i] = FrameView{};
    sym.symbolize(v.pcs[i], true, &out[i]);
  }
  return v.size;
}

// Two classes of one report must not print the same name (two mutexes
// made by one constructor of a binary without line tables, two classes
// named by one site through different wrapper chains).
static void qualify_same_names(ReportView *out, ReportScratch &s) {
  ClassView *views[2 + 2 * kMaxCycle + kReportHeld + 1];
  uint32_t n = 0;
  views[n++] = &out->subject;
  views[n++] = &out->lr_context;
  for (uint32_t i = 0; i < out->nchain; ++i) {
    views[n++] = &s.edges[i].from;
    views[n++] = &s.edges[i].to;
  }
  for (uint32_t i = 0; i < out->nheld; ++i)
    views[n++] = &s.held[i].cls;
  if (out->gated)
    views[n++] = &out->gate;
  qualify_class_names(views, n);
}

void build_report_view(Engine &e, const PendingReport &p, Symbolizer &sym, ReportScratch &s,
                       ReportView *out, const char *const *trace_names, uint32_t ntraces,
                       InstanceSites *sites) {
  *out = ReportView{};
  out->kind = p.kind;
  out->pid = p.pid;
  out->tid = p.tid;
  build_class_view(e, p.subject, sym, &out->subject);
  out->subject_kind = p.subject_kind;
  out->subject_read = p.subject_read;
  out->lr_use = p.lr_use;
  build_class_view(e, p.lr_context, sym, &out->lr_context);
  out->nstack = fill_stack(e, p.stack, sym, s.stack);
  out->stack = s.stack;

  uint32_t n = 0;
  out->predicted = p.predicted;
  if (p.inst_len) {
    // A cycle of instances: fences awaiting each other, or locks of one
    // class nested into a ring.
    bool await = p.kind == ReportKind::AwaitCycle;
    for (uint32_t i = 0; i < p.inst_len && n < kMaxCycle; ++i, ++n) {
      EdgeView &ev = s.edges[n];
      ev = EdgeView{};
      uint32_t next = (i + 1) % p.inst_len;
      build_class_view(e, p.inst_class[i], sym, &ev.from);
      build_class_view(e, p.inst_class[next], sym, &ev.to);
      ev.kind = await ? EdgeKind::Await : EdgeKind::Acquire;
      ev.src_read = !(p.inst_types[i] & (kDepNN | kDepNR));
      ev.dst_read = !(p.inst_types[i] & (kDepNN | kDepRN));
      ev.pid = p.pid;
      ev.tid = p.inst_tid[i] ? p.inst_tid[i] : p.tid;
      ev.from_inst = p.inst[i];
      ev.to_inst = p.inst[next];
      if (uint64_t site = sites ? sites->site_of(p.inst[i]) : 0)
        sym.symbolize(site, true, &ev.from_inst_site);
      ev.stack = s.edge_frames[n];
      // The closing link is the current event; its stack is the report's.
      StackId st = p.inst_stack[i] ? p.inst_stack[i] : (i == 0 ? p.stack : kNoStack);
      ev.nstack = st ? fill_stack(e, st, sym, s.edge_frames[n]) : 0;
    }
    BufferWriter d(s.detail, sizeof s.detail);
    if (await) {
      d.str("fence instances ");
      for (uint32_t i = 0; i < p.inst_len; ++i)
        d.hex(p.inst[i]).str(" -> ");
      d.hex(p.inst[0]).str(" await each other");
    } else if (p.inst_len == 2) {
      d.str("instances ").hex(p.inst[0]).str(" and ").hex(p.inst[1]);
      d.str(" of one class were nested in both orders");
    } else if (p.inst_total > 8) {
      d.str("a ring of ").dec(p.inst_total).str(" instances of one class");
      if (p.inst_total > p.inst_len)
        d.str(" (the first ").dec(p.inst_len).str(" links are shown)");
    } else {
      d.str("instances ");
      for (uint32_t i = 0; i < p.inst_len; ++i)
        d.hex(p.inst[i]).str(" -> ");
      d.hex(p.inst[0]).str(" of one class were nested in a ring");
    }
    out->detail = s.detail;
  } else {
    for (uint32_t i = 0; i < p.cycle.size && n < kMaxCycle; ++i, ++n) {
      const EdgeInfo &ei = e.graph().edge(p.cycle.edges[i]);
      EdgeView &ev = s.edges[n];
      ev = EdgeView{};
      build_class_view(e, ei.from, sym, &ev.from);
      build_class_view(e, ei.to, sym, &ev.to);
      ev.kind = ei.kind;
      uint8_t t = ei.types.load(std::memory_order_relaxed);
      ev.src_read = !(t & (kDepNN | kDepNR));
      ev.dst_read = !(t & (kDepNN | kDepRN));
      ev.pid = ei.pid;
      ev.tid = ei.tid;
      if (ei.trace && ei.trace <= ntraces)
        ev.trace = trace_names[ei.trace - 1];
      ev.stack = s.edge_frames[n];
      ev.nstack = fill_stack(e, ei.stack, sym, s.edge_frames[n]);
    }
  }
  out->chain = s.edges;
  out->nchain = n;
  if (p.kind == ReportKind::LrViolation)
    out->nchain = 0;

  for (uint32_t i = 0; i < p.nheld; ++i) {
    const HeldEntry &h = p.held[i];
    HeldView &hv = s.held[i];
    hv = HeldView{};
    build_class_view(e, h.cls, sym, &hv.cls);
    hv.index = p.held_index[i];
    hv.read = h.read;
    hv.label = h.label;
    if (h.pc)
      sym.symbolize(h.pc, true, &hv.at);
  }
  out->held = s.held;
  out->nheld = p.nheld;
  out->nheld_total = p.nheld_total > p.nheld ? p.nheld_total : p.nheld;
  if (p.gate != kNoClass) {
    out->gated = true;
    build_class_view(e, p.gate, sym, &out->gate);
  }
  qualify_same_names(out, s);
}

} // namespace fencedep
