// The line grammar shared by tracefs, trace-cmd report and perf script:
//
//   TASK-PID [(TGID)] [CPU] [FLAGS] SECS.FRAC: [(+DIFF)] [subsys:]event: FIELDS  (tracefs, trace-cmd)
//   TASK-PID CPUFLAGS SECS.FRAC: [(+DIFF)] event: FIELDS          (trace-cmd report -l)
//   TASK-PID [CPU]RAWTS: event: FIELDS                            (trace-cmd report --raw-ts)
//   COMM PID[/TID]        [CPU] [FLAGS] SECS.FRAC: [PERIOD] subsys:event: FIELDS   (perf)
//
// The CPU column anchors the parse: everything before it is the task (whose
// comm may contain spaces), everything after it has a fixed shape. Latency
// format has no bracketed CPU: there the first "TIMESTAMP:" token anchors,
// and the token before it is the CPU with the flags fused to it.
#include "fencedep/core/kernel_trace.h"

#include <cstring>

namespace fencedep {

namespace {

inline bool is_digit(char c) { return unsigned(c) - '0' < 10; }

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Position of the "[NNN]" CPU column: a '[' after a space, digits, ']' and
// then a space or the end; *close is the ']'. npos when there is none.
size_t find_cpu_column(std::string_view s, size_t *close) {
  for (size_t i = 1; i + 2 < s.size(); ++i) {
    const void *open = std::memchr(s.data() + i, '[', s.size() - 2 - i);
    if (!open)
      break;
    i = size_t(static_cast<const char *>(open) - s.data());
    if (s[i - 1] != ' ' || !is_digit(s[i + 1]))
      continue;
    size_t j = i + 1;
    while (j < s.size() && is_digit(s[j]))
      ++j;
    // --raw-ts fuses the timestamp to the bracket.
    if (j < s.size() && s[j] == ']' &&
        (j + 1 == s.size() || s[j + 1] == ' ' || is_digit(s[j + 1]))) {
      *close = j;
      return i;
    }
  }
  return std::string_view::npos;
}

// "SECS.FRAC" or a plain counter, into nanoseconds. One pass: every line
// has one.
inline __attribute__((always_inline)) bool parse_timestamp(std::string_view s, uint64_t *ns) {
  size_t i = 0, n = s.size();
  while (i < n && is_digit(s[i]))
    ++i;
  if (i == n)
    return parse_dec(s, ns); // trace_clock=counter and friends: raw ticks
  if (i == 0 || i > 11 || s[i] != '.')
    return false;
  uint64_t secs = 0;
  for (size_t k = 0; k < i; ++k)
    secs = secs * 10 + uint64_t(s[k] - '0');
  if (secs > 18000000000ull)
    return false;
  size_t f0 = ++i;
  uint64_t frac = 0;
  while (i < n && is_digit(s[i]))
    frac = frac * 10 + uint64_t(s[i++] - '0');
  size_t digits = i - f0;
  if (i != n || digits == 0 || digits > 9)
    return false;
  for (size_t k = digits; k < 9; ++k)
    frac *= 10;
  *ns = secs * 1000000000ull + frac;
  return true;
}

// The next space-separated token; `rest` keeps what follows it.
inline __attribute__((always_inline)) std::string_view next_token(std::string_view &rest) {
  const char *p = rest.data(), *end = p + rest.size();
  while (p < end && (*p == ' ' || *p == '\t'))
    ++p;
  const char *t = p;
  while (p < end && *p != ' ')
    ++p;
  rest = std::string_view(p, size_t(end - p));
  return std::string_view(t, size_t(p - t));
}

// Lines that are not events: trace headers of the three tools.
bool is_header(std::string_view s) {
  return s[0] == '#' || starts_with(s, "cpus=") || starts_with(s, "version =") ||
         starts_with(s, "version=") || (starts_with(s, "CPU ") && s.find(" is empty") != s.npos) ||
         starts_with(s, "trace-cmd:");
}

// "[LOST 123 EVENTS]" anywhere in the line (trace_pipe, trace-cmd).
bool parse_lost(std::string_view s, uint64_t *lost) {
  size_t at = s.find("[LOST ");
  if (at == std::string_view::npos)
    return false;
  std::string_view rest = s.substr(at + 6);
  size_t sp = rest.find(' ');
  if (sp == std::string_view::npos || !starts_with(rest.substr(sp), " EVENTS]"))
    return false;
  return parse_dec(rest.substr(0, sp), lost);
}

// trace-cmd report -l: "2d.h1." is CPU 2 with flags "d.h1.". Flags never
// start with a digit; four to six of them.
bool split_latency_cpu(std::string_view tok, uint32_t *cpu, std::string_view *flags) {
  size_t d = 0;
  while (d < tok.size() && is_digit(tok[d]))
    ++d;
  if (d == 0 || d > 6 || tok.size() - d < 4 || tok.size() - d > 6)
    return false;
  for (size_t i = d; i < tok.size(); ++i)
    if (!std::strchr(".dDXbBNnpPLhHsSzZ0123456789abcdef", tok[i]))
      return false;
  uint64_t v = 0;
  for (size_t i = 0; i < d; ++i)
    v = v * 10 + uint64_t(tok[i] - '0');
  *cpu = uint32_t(v);
  *flags = tok.substr(d);
  return true;
}

// Latency format: finds "CPUFLAGS TIMESTAMP:" and returns the offset of
// CPUFLAGS, with *after at the timestamp; npos when the line has no such pair.
size_t find_latency_column(std::string_view s, uint32_t *cpu, std::string_view *flags,
                           size_t *after) {
  size_t prev_at = std::string_view::npos;
  std::string_view prev;
  for (size_t i = 0; i < s.size();) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ')
      ++i;
    std::string_view tok = s.substr(start, i - start);
    if (tok.empty())
      break;
    uint64_t ns;
    if (prev_at != std::string_view::npos && prev_at > 0 && tok.back() == ':' &&
        parse_timestamp(tok.substr(0, tok.size() - 1), &ns) &&
        split_latency_cpu(prev, cpu, flags)) {
      *after = start;
      return prev_at;
    }
    prev = tok;
    prev_at = start;
  }
  return std::string_view::npos;
}

} // namespace

IrqContext irq_context_from_flags(std::string_view flags) {
  if (flags.size() < 3)
    return IrqContext::Unknown;
  switch (flags[2]) {
  case 'h':
  case 'H':
    return IrqContext::HardIrq;
  case 's':
    return IrqContext::SoftIrq;
  case 'z':
  case 'Z':
    return IrqContext::Nmi;
  default:
    return IrqContext::Task;
  }
}

KernelLineKind parse_kernel_line(std::string_view line, KernelLine *out, const char **error,
                                 uint64_t *lost) {
  std::string_view s = trim(line);
  if (s.empty() || is_header(s))
    return KernelLineKind::Ignored;
  *out = KernelLine{};
  size_t close;
  uint64_t v;
  size_t cpu_at = find_cpu_column(s, &close);
  bool latency = false;
  if (cpu_at == std::string_view::npos) {
    if (parse_lost(s, lost))
      return KernelLineKind::Lost;
    size_t after;
    cpu_at = find_latency_column(s, &out->cpu, &out->flags, &after);
    if (cpu_at == std::string_view::npos) {
      *error = "expected 'TASK-PID [CPU] TIMESTAMP: EVENT:', found no [CPU] column";
      return KernelLineKind::Bad;
    }
    latency = true;
    close = after - 1; // the timestamp follows
  } else {
    if (!parse_dec(s.substr(cpu_at + 1, close - cpu_at - 1), &v) || v > 0xffffff) {
      *error = "CPU number out of range";
      return KernelLineKind::Bad;
    }
    out->cpu = uint32_t(v);
  }

  // Before the CPU: task and pid, and the optional "(  TGID)" / "(-------)".
  std::string_view left = trim(s.substr(0, cpu_at));
  if (!left.empty() && left.back() == ')') {
    size_t open = left.rfind('(');
    if (open == std::string_view::npos) {
      *error = "unbalanced TGID column";
      return KernelLineKind::Bad;
    }
    std::string_view tg = trim(left.substr(open + 1, left.size() - open - 2));
    if (parse_dec(tg, &v) && v <= 0xffffffffu)
      out->tgid = int64_t(v);
    else if (tg.find_first_not_of('-') != std::string_view::npos) {
      *error = "expected a number or '-------' in the TGID column";
      return KernelLineKind::Bad;
    }
    left = trim(left.substr(0, open));
  }
  size_t d = left.size();
  while (d > 0 && (is_digit(left[d - 1]) || left[d - 1] == '/'))
    --d;
  if (d == left.size() || d == 0 || (left[d - 1] != '-' && left[d - 1] != ' ')) {
    *error = "expected 'TASK-PID' (or perf's 'COMM PID') before the CPU column";
    return KernelLineKind::Bad;
  }
  std::string_view ids = left.substr(d);
  size_t slash = ids.find('/');
  if (slash != std::string_view::npos) { // perf's PID/TID
    uint64_t pid;
    if (!parse_dec(ids.substr(0, slash), &pid) || !parse_dec(ids.substr(slash + 1), &v) ||
        pid > 0xffffffffu || v > 0xffffffffu) {
      *error = "expected PID/TID";
      return KernelLineKind::Bad;
    }
    out->tgid = int64_t(pid);
  } else if (!parse_dec(ids, &v) || v > 0xffffffffu) {
    *error = "pid out of range";
    return KernelLineKind::Bad;
  }
  out->pid = uint32_t(v);
  out->task = left[d - 1] == '-' ? left.substr(0, d - 1) : trim(left.substr(0, d - 1));

  // After the CPU: [FLAGS] TIMESTAMP: [PERIOD] [subsys:]event: FIELDS
  std::string_view rest = s.substr(close + 1);
  std::string_view tok = next_token(rest);
  if (!latency && (tok.empty() || tok.back() != ':')) {
    if (tok.size() < 4 || tok.size() > 6) {
      *error = "expected a 4- or 5-character flag column or a timestamp after the CPU column";
      return KernelLineKind::Bad;
    }
    out->flags = tok;
    tok = next_token(rest);
  }
  if (tok.empty() || tok.back() != ':' ||
      !parse_timestamp(tok.substr(0, tok.size() - 1), &out->ts_ns)) {
    *error = "expected a timestamp 'SECONDS.FRACTION:'";
    return KernelLineKind::Bad;
  }
  // --raw-ts (or a counter clock): the clock's value, no fraction.
  out->raw_ts = tok.find('.') == std::string_view::npos;
  out->irq = irq_context_from_flags(out->flags);
  tok = next_token(rest);
  if (tok.size() > 2 && tok[0] == '(' && tok[1] == '+' && tok.back() == ')')
    tok = next_token(rest); // trace-cmd's --ts-diff
  else if (!tok.empty() && tok.back() != ':' && parse_dec(tok, &v))
    tok = next_token(rest); // perf's sample period
  if (tok.size() < 2 || tok.back() != ':') {
    *error = "expected 'EVENT:' after the timestamp";
    return KernelLineKind::Bad;
  }
  tok.remove_suffix(1);
  size_t colon = tok.find(':');
  if (colon != std::string_view::npos) {
    out->system = tok.substr(0, colon);
    tok = tok.substr(colon + 1);
  }
  if (tok.empty()) {
    *error = "empty event name";
    return KernelLineKind::Bad;
  }
  out->event = tok;
  out->fields = trim(rest);
  return KernelLineKind::Event;
}

} // namespace fencedep
