#include "report_json.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace fencedep::cli {

using nlohmann::json;

ReportView OwnedReport::view() {
  for (size_t i = 0; i < chain.size(); ++i) {
    chain[i].stack = chain_stacks[i].data();
    chain[i].nstack = uint32_t(chain_stacks[i].size());
  }
  ReportView v = fields;
  v.chain = chain.data();
  v.nchain = uint32_t(chain.size());
  v.held = held.data();
  v.nheld = uint32_t(held.size());
  v.stack = stack.data();
  v.nstack = uint32_t(stack.size());
  for (size_t i = 0; i < blocked.size(); ++i) {
    blocked[i].held = blocked_held[i].data();
    blocked[i].nheld = uint32_t(blocked_held[i].size());
  }
  v.blocked = blocked.data();
  v.nblocked = uint32_t(blocked.size());
  return v;
}

namespace {

// Field access that names what is wrong; nlohmann's own messages do not say
// which field.
class Reader {
public:
  explicit Reader(StringPool &pool) : pool_(pool) {}

  const json &field(const json &obj, const char *key) {
    if (!obj.is_object())
      fail(std::string("expected an object holding '") + key + "'");
    auto it = obj.find(key);
    if (it == obj.end())
      fail(std::string("missing field '") + key + "'");
    return *it;
  }
  const char *opt_string(const json &obj, const char *key) {
    const json &v = field(obj, key);
    if (v.is_null())
      return nullptr;
    if (!v.is_string())
      fail(std::string("field '") + key + "' is not a string");
    return pool_.intern(v.get_ref<const std::string &>());
  }
  const std::string &string(const json &obj, const char *key) {
    const json &v = field(obj, key);
    if (!v.is_string())
      fail(std::string("field '") + key + "' is not a string");
    return v.get_ref<const std::string &>();
  }
  uint64_t number(const json &obj, const char *key) {
    const json &v = field(obj, key);
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0))
      fail(std::string("field '") + key + "' is not a non-negative integer");
    return v.get<uint64_t>();
  }
  bool boolean(const json &obj, const char *key) {
    const json &v = field(obj, key);
    if (!v.is_boolean())
      fail(std::string("field '") + key + "' is not a boolean");
    return v.get<bool>();
  }
  // Addresses are "0x..." strings: JSON numbers lose precision past 2^53.
  uint64_t hex(const json &obj, const char *key) {
    const std::string &s = string(obj, key);
    if (s.size() < 3 || s.size() > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
      fail(std::string("field '") + key + "' is not a 0x hex number");
    uint64_t v = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      char c = s[i];
      int d = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (d < 0)
        fail(std::string("field '") + key + "' is not a 0x hex number");
      v = v << 4 | uint64_t(d);
    }
    return v;
  }
  template <typename E>
  E enumerator(const json &obj, const char *key, bool (*parse)(const char *, E *)) {
    const std::string &s = string(obj, key);
    E e{};
    if (!parse(s.c_str(), &e))
      fail(std::string("unknown ") + key + " '" + s + "'");
    return e;
  }

  FrameView frame(const json &f, unsigned depth = 0) {
    FrameView out;
    out.pc = hex(f, "pc");
    out.module = opt_string(f, "module");
    out.offset = hex(f, "offset");
    out.function = opt_string(f, "function");
    out.file = opt_string(f, "file");
    out.line = uint32_t(number(f, "line"));
    out.column = uint32_t(number(f, "column"));
    // Added later to the schema: optional.
    if (f.contains("symbol_offset"))
      out.symbol_offset = hex(f, "symbol_offset");
    if (f.contains("function_line"))
      out.function_line = uint32_t(number(f, "function_line"));
    if (f.contains("inlined_into") && !f["inlined_into"].is_null()) {
      if (depth >= 16)
        fail("field 'inlined_into' nests too deep");
      out.inlined_into = pool_.keep(frame(f["inlined_into"], depth + 1));
    }
    return out;
  }
  std::vector<FrameView> frames(const json &a, const char *what) {
    if (!a.is_array())
      fail(std::string("field '") + what + "' is not an array");
    std::vector<FrameView> out;
    for (const json &f : a)
      out.push_back(frame(f));
    return out;
  }
  ClassView cls(const json &c) {
    ClassView out;
    out.key = hex(c, "key");
    out.kind = enumerator(c, "kind", parse_class_kind);
    out.flags = uint32_t(number(c, "flags"));
    out.name = opt_string(c, "name");
    out.site = frame(field(c, "site"));
    return out;
  }
  // For fields that are a class or null.
  ClassView opt_cls(const json &obj, const char *key) {
    const json &v = field(obj, key);
    return v.is_null() ? ClassView{} : cls(v);
  }

  [[noreturn]] static void fail(const std::string &what) { throw std::runtime_error(what); }

private:
  StringPool &pool_;
};

HeldView held_view(const json &h, Reader &rd) {
  HeldView hv;
  hv.cls = rd.cls(rd.field(h, "class"));
  hv.read = rd.boolean(h, "read");
  hv.label = rd.opt_string(h, "label");
  hv.at = rd.frame(rd.field(h, "at"));
  return hv;
}

// Live hangs: "threads", one entry per blocked thread.
void parse_blocked(const json &j, Reader &rd, OwnedReport *out) {
  out->fields.stall = j.contains("stall") && rd.boolean(j, "stall");
  const json &threads = rd.field(j, "threads");
  if (!threads.is_array())
    Reader::fail("field 'threads' is not an array");
  for (const json &t : threads) {
    BlockedThreadView b;
    b.tid = uint32_t(rd.number(t, "tid"));
    b.blocked_ms = rd.number(t, "blocked_ms");
    b.wait_all = rd.boolean(t, "wait_all");
    b.at = rd.frame(rd.field(t, "at"));
    const json &on = rd.field(t, "on");
    if (!on.is_array())
      Reader::fail("field 'on' is not an array");
    for (const json &o : on) {
      if (b.non == BlockedThreadView::kMaxOn)
        break;
      BlockedOnView &v = b.on[b.non++];
      v.cls = rd.cls(rd.field(o, "class"));
      v.instance = rd.hex(o, "instance");
      v.how = rd.enumerator(o, "how", parse_edge_kind);
      v.owner_tid = uint32_t(rd.number(o, "owner_tid"));
      v.definite = o.contains("definite") && rd.boolean(o, "definite");
    }
    const json &held = rd.field(t, "held");
    if (!held.is_array())
      Reader::fail("field 'held' is not an array");
    std::vector<HeldView> hv;
    for (const json &h : held)
      hv.push_back(held_view(h, rd));
    out->blocked.push_back(b);
    out->blocked_held.push_back(std::move(hv));
  }
}

void parse_into(const json &j, Reader &rd, OwnedReport *out) {
  if (rd.number(j, "fencedep_report") != 1)
    Reader::fail("unsupported fencedep_report version");
  ReportView &r = out->fields;
  r.kind = rd.enumerator(j, "kind", parse_report_kind);
  r.pid = uint32_t(rd.number(j, "pid"));
  r.tid = uint32_t(rd.number(j, "tid"));
  r.program = rd.opt_string(j, "program");
  r.subject = rd.cls(rd.field(j, "subject"));
  r.subject_kind = rd.enumerator(j, "subject_kind", parse_edge_kind);
  r.subject_read = rd.boolean(j, "subject_read");

  const json &chain = rd.field(j, "chain");
  if (!chain.is_array())
    Reader::fail("field 'chain' is not an array");
  for (const json &e : chain) {
    EdgeView ev;
    ev.from = rd.cls(rd.field(e, "from"));
    ev.to = rd.cls(rd.field(e, "to"));
    ev.kind = rd.enumerator(e, "kind", parse_edge_kind);
    ev.src_read = rd.boolean(e, "src_read");
    ev.dst_read = rd.boolean(e, "dst_read");
    ev.pid = uint32_t(rd.number(e, "pid"));
    ev.tid = uint32_t(rd.number(e, "tid"));
    ev.trace = rd.opt_string(e, "trace");
    if (e.contains("from_instance")) {
      ev.from_inst = rd.hex(e, "from_instance");
      ev.to_inst = rd.hex(e, "to_instance");
      ev.from_inst_site = rd.frame(rd.field(e, "from_instance_site"));
    }
    out->chain.push_back(ev);
    out->chain_stacks.push_back(rd.frames(rd.field(e, "stack"), "stack"));
  }

  const json &held = rd.field(j, "held");
  if (!held.is_array())
    Reader::fail("field 'held' is not an array");
  for (const json &h : held)
    out->held.push_back(held_view(h, rd));

  if (j.contains("held_total"))
    r.nheld_total = uint32_t(rd.number(j, "held_total"));
  out->stack = rd.frames(rd.field(j, "stack"), "stack");
  r.gated = rd.boolean(j, "gated");
  r.predicted = j.contains("predicted") && rd.boolean(j, "predicted");
  r.gate = rd.opt_cls(j, "gate");
  const json &lr = rd.field(j, "lr_use");
  if (!lr.is_null())
    r.lr_use = rd.enumerator(j, "lr_use", parse_lr_use);
  r.lr_context = rd.opt_cls(j, "lr_context");
  r.detail = rd.opt_string(j, "detail");
  if (r.kind == ReportKind::LiveHang)
    parse_blocked(j, rd, out);
}

} // namespace

bool parse_report(std::string_view line, StringPool &pool, OwnedReport *out, std::string *err) {
  *out = OwnedReport{};
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *err = "not valid JSON";
    return false;
  }
  Reader rd(pool);
  try {
    parse_into(j, rd, out);
  } catch (const std::exception &e) {
    *err = e.what();
    return false;
  }
  return true;
}

int read_report_lines(const std::string &path, StringPool &pool, std::vector<OwnedReport> *out,
                      const LineError &on_error) {
  std::ifstream in(path);
  if (!in)
    return -1;
  int bad = 0;
  unsigned lineno = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    OwnedReport r;
    std::string err;
    if (!parse_report(line, pool, &r, &err)) {
      on_error(lineno, err);
      ++bad;
      continue;
    }
    out->push_back(std::move(r));
  }
  return bad;
}

} // namespace fencedep::cli
