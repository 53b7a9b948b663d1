#include "cfi.h"

#include <cstring>

namespace fencedep::runtime {

namespace {

constexpr uint8_t kRegRbp = 6;
constexpr uint8_t kRegRsp = 7;
constexpr uint8_t kRegRa = 16;

// Reads the unwind tables of a loaded module. They are mapped read-only
// for the module's life, so a reader only guards against running past the
// record it is in.
struct Reader {
  const uint8_t *p;
  const uint8_t *end;
  bool ok = true;

  bool room(size_t n) {
    if (size_t(end - p) < n)
      ok = false;
    return ok;
  }
  template <typename T> T fixed() {
    T v{};
    if (!room(sizeof v))
      return v;
    memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  uint8_t u8() { return fixed<uint8_t>(); }
  uint64_t uleb() {
    uint64_t v = 0;
    for (unsigned shift = 0; room(1); shift += 7) {
      uint8_t b = *p++;
      if (shift < 64)
        v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
    return 0;
  }
  int64_t sleb() {
    int64_t v = 0;
    unsigned shift = 0;
    uint8_t b = 0;
    do {
      if (!room(1))
        return 0;
      b = *p++;
      if (shift < 64)
        v |= int64_t(b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40))
      v |= -(int64_t(1) << shift);
    return v;
  }
  // A DW_EH_PE-encoded pointer. `datarel` is the base for data-relative
  // values (.eh_frame_hdr's own address on x86-64).
  uint64_t encoded(uint8_t enc, uint64_t datarel) {
    if (enc == 0xff) // DW_EH_PE_omit
      return 0;
    uint64_t field = reinterpret_cast<uint64_t>(p);
    uint64_t v;
    switch (enc & 0x0f) {
    case 0x00: v = fixed<uint64_t>(); break;                // absptr
    case 0x01: v = uleb(); break;                           // uleb128
    case 0x02: v = fixed<uint16_t>(); break;                // udata2
    case 0x03: v = fixed<uint32_t>(); break;                // udata4
    case 0x04: v = fixed<uint64_t>(); break;                // udata8
    case 0x09: v = uint64_t(sleb()); break;                 // sleb128
    case 0x0a: v = uint64_t(int64_t(fixed<int16_t>())); break;
    case 0x0b: v = uint64_t(int64_t(fixed<int32_t>())); break;
    case 0x0c: v = fixed<uint64_t>(); break;
    default: ok = false; return 0;
    }
    switch (enc & 0x70) {
    case 0x00: break;
    case 0x10: v += field; break;   // pcrel
    case 0x30: v += datarel; break; // datarel
    default: ok = false; return 0;  // textrel, funcrel, aligned: not on x86-64
    }
    if (enc & 0x80) { // indirect: through a pointer in the module's data
      uint64_t target;
      memcpy(&target, reinterpret_cast<const void *>(v), sizeof target);
      v = target;
    }
    return v;
  }
};

const uint8_t *unbounded_end(const uint8_t *p) {
  return p + (size_t(1) << 30);
}

// A CFI record's extent: after its length field, up to its end.
bool record(Reader &r, Reader *body) {
  uint64_t len = r.fixed<uint32_t>();
  if (len == 0xffffffffu)
    len = r.fixed<uint64_t>();
  if (!r.ok || len == 0)
    return false;
  *body = Reader{r.p, r.p + len};
  return true;
}

struct Cie {
  uint64_t code_align = 1;
  int64_t data_align = -8;
  uint64_t ra_reg = kRegRa;
  uint8_t fde_enc = 0;
  bool has_aug_data = false;
  bool signal_frame = false;
  const uint8_t *insns = nullptr;
  const uint8_t *insns_end = nullptr;
};

bool parse_cie(const uint8_t *at, Cie *c) {
  Reader r{at, unbounded_end(at)};
  Reader b{nullptr, nullptr};
  if (!record(r, &b) || b.fixed<uint32_t>() != 0)
    return false;
  uint8_t version = b.u8();
  const char *aug = reinterpret_cast<const char *>(b.p);
  size_t aug_len = strnlen(aug, size_t(b.end - b.p));
  b.p += aug_len + 1;
  if (aug[0] == 'e' && aug[1] == 'h')
    b.p += sizeof(uint64_t);
  c->code_align = b.uleb();
  c->data_align = b.sleb();
  c->ra_reg = version == 1 ? b.u8() : b.uleb();
  if (aug[0] == 'z') {
    c->has_aug_data = true;
    uint64_t n = b.uleb();
    const uint8_t *data_end = b.p + n;
    for (size_t i = 1; i < aug_len && b.ok; ++i) {
      switch (aug[i]) {
      case 'R': c->fde_enc = b.u8(); break;
      case 'L': b.u8(); break;
      case 'P': b.encoded(b.u8(), 0); break;
      case 'S': c->signal_frame = true; break;
      default: i = aug_len; break; // unknown: its data is skipped below
      }
    }
    b.p = data_end;
  }
  c->insns = b.p;
  c->insns_end = b.end;
  return b.ok && b.p <= b.end;
}

enum class RegRule : uint8_t { Same, Offset, Unknown };

struct Row {
  uint8_t cfa_reg = kRegRsp;
  int64_t cfa_offset = 8;
  bool cfa_known = true;
  RegRule rbp = RegRule::Same;
  int64_t rbp_offset = 0;
  RegRule ra = RegRule::Unknown;
  int64_t ra_offset = 0;
};

void set_rule(Row &row, uint64_t reg, RegRule rule, int64_t off) {
  if (reg == kRegRbp) {
    row.rbp = rule;
    row.rbp_offset = off;
  } else if (reg == kRegRa) {
    row.ra = rule;
    row.ra_offset = off;
  }
}

// Runs a CFA program until the location passes `pc`. `initial` is the row
// after the CIE's instructions (DW_CFA_restore's target).
bool run_program(const uint8_t *p, const uint8_t *end, const Cie &cie, uint64_t loc,
                 uint64_t pc, const Row &initial, Row &row) {
  Reader r{p, end};
  constexpr int kMaxStates = 8;
  Row saved[kMaxStates];
  int nsaved = 0;
  while (r.ok && r.p < r.end) {
    uint8_t op = r.u8();
    uint8_t low = op & 0x3f;
    switch (op & 0xc0) {
    case 0x40: // advance_loc
      loc += low * cie.code_align;
      if (loc > pc)
        return true;
      continue;
    case 0x80: // offset
      set_rule(row, low, RegRule::Offset, int64_t(r.uleb()) * cie.data_align);
      continue;
    case 0xc0: // restore
      if (low == kRegRbp) {
        row.rbp = initial.rbp;
        row.rbp_offset = initial.rbp_offset;
      } else if (low == kRegRa) {
        row.ra = initial.ra;
        row.ra_offset = initial.ra_offset;
      }
      continue;
    default:
      break;
    }
    uint64_t delta = 0;
    switch (op) {
    case 0x00: break; // nop
    case 0x01: loc = r.encoded(cie.fde_enc, 0); if (loc > pc) return true; break;
    case 0x02: delta = r.u8(); break;
    case 0x03: delta = r.fixed<uint16_t>(); break;
    case 0x04: delta = r.fixed<uint32_t>(); break;
    case 0x05: { uint64_t reg = r.uleb(); set_rule(row, reg, RegRule::Offset, int64_t(r.uleb()) * cie.data_align); break; }
    case 0x06: { uint64_t reg = r.uleb(); if (reg == kRegRbp) { row.rbp = initial.rbp; row.rbp_offset = initial.rbp_offset; } break; }
    case 0x07: set_rule(row, r.uleb(), RegRule::Unknown, 0); break; // undefined
    case 0x08: set_rule(row, r.uleb(), RegRule::Same, 0); break;
    case 0x09: { uint64_t reg = r.uleb(); r.uleb(); set_rule(row, reg, RegRule::Unknown, 0); break; }
    case 0x0a: if (nsaved < kMaxStates) saved[nsaved++] = row; else return false; break;
    case 0x0b: if (nsaved > 0) row = saved[--nsaved]; else return false; break;
    case 0x0c: row.cfa_reg = uint8_t(r.uleb()); row.cfa_offset = int64_t(r.uleb()); row.cfa_known = true; break;
    case 0x0d: row.cfa_reg = uint8_t(r.uleb()); break;
    case 0x0e: row.cfa_offset = int64_t(r.uleb()); break;
    case 0x0f: r.p += r.uleb(); row.cfa_known = false; break; // def_cfa_expression
    case 0x10: { uint64_t reg = r.uleb(); r.p += r.uleb(); set_rule(row, reg, RegRule::Unknown, 0); break; }
    case 0x11: { uint64_t reg = r.uleb(); set_rule(row, reg, RegRule::Offset, r.sleb() * cie.data_align); break; }
    case 0x12: row.cfa_reg = uint8_t(r.uleb()); row.cfa_offset = r.sleb() * cie.data_align; row.cfa_known = true; break;
    case 0x13: row.cfa_offset = r.sleb() * cie.data_align; break;
    case 0x14: { uint64_t reg = r.uleb(); r.uleb(); set_rule(row, reg, RegRule::Unknown, 0); break; }
    case 0x15: { uint64_t reg = r.uleb(); r.sleb(); set_rule(row, reg, RegRule::Unknown, 0); break; }
    case 0x16: { uint64_t reg = r.uleb(); r.p += r.uleb(); set_rule(row, reg, RegRule::Unknown, 0); break; }
    case 0x2e: r.uleb(); break; // GNU_args_size
    case 0x2f: { uint64_t reg = r.uleb(); set_rule(row, reg, RegRule::Offset, -int64_t(r.uleb()) * cie.data_align); break; }
    default: return false;
    }
    if (delta) {
      loc += delta * cie.code_align;
      if (loc > pc)
        return true;
    }
  }
  return r.ok;
}

struct Fde {
  uint64_t pc_begin = 0;
  uint64_t pc_end = 0;
  const uint8_t *insns = nullptr;
  const uint8_t *insns_end = nullptr;
  Cie cie;
};

// The FDE for `pc` from the header's binary search table.
bool lookup_fde(const uint8_t *hdr, uint64_t pc, Fde *out) {
  if (!hdr || hdr[0] != 1)
    return false;
  uint64_t base = reinterpret_cast<uint64_t>(hdr);
  Reader r{hdr + 4, unbounded_end(hdr)};
  r.encoded(hdr[1], base); // eh_frame_ptr
  uint64_t count = r.encoded(hdr[2], base);
  // Compilers and linkers emit datarel|sdata4 pairs; anything else would
  // need a linear scan of .eh_frame, which a hook cannot afford.
  if (!r.ok || hdr[3] != 0x3b || count == 0)
    return false;
  struct Entry {
    int32_t loc;
    int32_t fde;
  };
  const uint8_t *table = r.p;
  auto entry = [&](uint64_t i) {
    Entry e;
    memcpy(&e, table + i * sizeof(Entry), sizeof e);
    return e;
  };
  uint64_t lo = 0, hi = count;
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (base + int64_t(entry(mid).loc) <= pc)
      lo = mid;
    else
      hi = mid;
  }
  Entry e = entry(lo);
  if (base + int64_t(e.loc) > pc)
    return false;
  const uint8_t *fde = hdr + e.fde;
  Reader fr{fde, unbounded_end(fde)};
  Reader b{nullptr, nullptr};
  if (!record(fr, &b))
    return false;
  const uint8_t *cie_field = b.p;
  uint32_t cie_off = b.fixed<uint32_t>();
  if (!b.ok || cie_off == 0 || !parse_cie(cie_field - cie_off, &out->cie))
    return false;
  out->pc_begin = b.encoded(out->cie.fde_enc, 0);
  uint64_t range = b.encoded(out->cie.fde_enc & 0x0f, 0);
  out->pc_end = out->pc_begin + range;
  if (out->cie.has_aug_data)
    b.p += b.uleb();
  out->insns = b.p;
  out->insns_end = b.end;
  return b.ok && pc >= out->pc_begin && pc < out->pc_end;
}

} // namespace

bool find_function_start(const uint8_t *eh_frame_hdr, uint64_t pc, uint64_t *start) {
  uint64_t end;
  return find_function_range(eh_frame_hdr, pc, start, &end);
}

bool find_function_range(const uint8_t *eh_frame_hdr, uint64_t pc, uint64_t *start,
                         uint64_t *end) {
  Fde fde;
  if (!lookup_fde(eh_frame_hdr, pc, &fde))
    return false;
  *start = fde.pc_begin;
  *end = fde.pc_end;
  return true;
}

bool find_frame_rule(const uint8_t *eh_frame_hdr, uint64_t pc, FrameRule *out) {
  Fde fde;
  if (!lookup_fde(eh_frame_hdr, pc, &fde) || fde.cie.signal_frame)
    return false;
  Row row;
  if (!run_program(fde.cie.insns, fde.cie.insns_end, fde.cie, fde.pc_begin, pc, Row{}, row))
    return false;
  Row initial = row;
  if (!run_program(fde.insns, fde.insns_end, fde.cie, fde.pc_begin, pc, initial, row))
    return false;
  if (!row.cfa_known || (row.cfa_reg != kRegRsp && row.cfa_reg != kRegRbp) ||
      row.ra != RegRule::Offset || row.rbp == RegRule::Unknown)
    return false;
  out->function_start = fde.pc_begin;
  out->cfa_reg = row.cfa_reg;
  out->cfa_offset = row.cfa_offset;
  out->ra_offset = row.ra_offset;
  out->rbp_saved = row.rbp == RegRule::Offset;
  out->rbp_offset = row.rbp_offset;
  return true;
}

} // namespace fencedep::runtime
