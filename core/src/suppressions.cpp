#include "fencedep/core/suppressions.h"

#include <cstring>

#include "fencedep/core/report_printer.h"
#include "fencedep/core/writer.h"

namespace fencedep {

bool glob_match(const char *p, const char *t) {
  // Iterative matcher with single-star backtracking.
  const char *star = nullptr, *resume = nullptr;
  while (*t) {
    if (*p == '*') {
      star = p++;
      resume = t;
    } else if (*p == '?' || *p == *t) {
      ++p;
      ++t;
    } else if (star) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (*p == '*')
    ++p;
  return *p == 0;
}

bool Suppressions::parse(const char *text, size_t len, char *err, size_t errcap) {
  BufferWriter e(err, errcap);
  unsigned line = 0;
  size_t pos = 0;
  bool ok = true;
  while (pos < len) {
    ++line;
    size_t line_start = pos;
    size_t end = pos;
    while (end < len && text[end] != '\n')
      ++end;
    size_t b = pos, f = end;
    pos = end + 1;
    while (b < f && (text[b] == ' ' || text[b] == '\t'))
      ++b;
    while (f > b && (text[f - 1] == ' ' || text[f - 1] == '\t' || text[f - 1] == '\r'))
      --f;
    if (b == f || text[b] == '#')
      continue;
    const char *colon = static_cast<const char *>(memchr(text + b, ':', f - b));
    if (!colon || colon + 1 == text + f) {
      if (ok)
        e.str("line ").dec(line).str(", column ").dec(b - line_start + 1).str(": expected 'type:pattern'");
      ok = false;
      continue;
    }
    size_t tlen = size_t(colon - (text + b));
    Type type;
    if (tlen == 5 && !memcmp(text + b, "class", 5))
      type = Type::Class;
    else if (tlen == 5 && !memcmp(text + b, "frame", 5))
      type = Type::Frame;
    else if (tlen == 6 && !memcmp(text + b, "report", 6))
      type = Type::Report;
    else {
      if (ok) {
        e.str("line ").dec(line).str(", column ").dec(b - line_start + 1);
        e.str(": unknown rule type '");
        e.write(text + b, tlen);
        e.str("' (expected class, frame or report)");
      }
      ok = false;
      continue;
    }
    if (n_ == kMax) {
      if (ok)
        e.str("line ").dec(line).str(": too many rules (max ").dec(kMax).ch(')');
      ok = false;
      break;
    }
    size_t plen = size_t(text + f - (colon + 1));
    char *pat = static_cast<char *>(arena_.alloc(plen + 1, 1));
    if (!pat)
      return false;
    memcpy(pat, colon + 1, plen);
    pat[plen] = 0;
    rules_[n_++] = Rule{type, pat};
  }
  return ok;
}

static bool frame_matches(const char *pat, const FrameView &f) {
  // TSan semantics: a frame pattern matches anywhere in the name.
  char buf[512];
  BufferWriter w(buf, sizeof buf);
  w.ch('*').str(pat).ch('*');
  return (f.function && glob_match(buf, f.function)) || (f.file && glob_match(buf, f.file)) ||
         (f.module && glob_match(buf, f.module));
}

static bool frames_match(const char *pat, const FrameView *f, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    if (frame_matches(pat, f[i]))
      return true;
  return false;
}

static bool class_matches(const char *pat, const ClassView &c) {
  char buf[512];
  // The name without what a report adds to tell its classes apart.
  ClassView plain = c;
  plain.qualify = 0;
  if (glob_match(pat, class_display_name(plain, buf, sizeof buf)))
    return true;
  // Rules written for the older form (`mutex@ring.c:42`) keep working.
  return glob_match(pat, class_legacy_name(plain, buf, sizeof buf));
}

bool Suppressions::matches(const ReportView &r) const {
  for (unsigned i = 0; i < n_; ++i) {
    const Rule &rule = rules_[i];
    switch (rule.type) {
    case Type::Report:
      if (glob_match(rule.pattern, report_kind_name(r.kind)))
        return true;
      break;
    case Type::Class:
      if (class_matches(rule.pattern, r.subject))
        return true;
      for (uint32_t k = 0; k < r.nchain; ++k)
        if (class_matches(rule.pattern, r.chain[k].from) ||
            class_matches(rule.pattern, r.chain[k].to))
          return true;
      break;
    case Type::Frame:
      if (frames_match(rule.pattern, r.stack, r.nstack))
        return true;
      for (uint32_t k = 0; k < r.nchain; ++k)
        if (frames_match(rule.pattern, r.chain[k].stack, r.chain[k].nstack))
          return true;
      break;
    }
  }
  return false;
}

} // namespace fencedep
