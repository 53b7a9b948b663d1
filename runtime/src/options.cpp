#include "options.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "fencedep/core/writer.h"

namespace fencedep::runtime {

static bool parse_int(const char *s, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end)
    return false;
  *out = int(v);
  return true;
}

static bool parse_seconds(const char *s, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (!*s || *end || !(v >= 0))
    return false;
  *out = v;
  return true;
}

static bool parse_bool(const char *s, bool *out) {
  if (!strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes")) {
    *out = true;
    return true;
  }
  if (!strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "no")) {
    *out = false;
    return true;
  }
  return false;
}

static void complain(const char *what, const char *key, const char *value) {
  FdWriter err(2);
  err.str("fencedep: FENCEDEP_OPTIONS: ").str(what).str(" '").str(key);
  if (value)
    err.ch('=').str(value);
  err.str("' (ignored)\n");
}

void parse_options(const char *text, Options *o) {
  if (!text)
    return;
  static char buf[8192];
  strncpy(buf, text, sizeof buf - 1);
  char *save = nullptr;
  for (char *tok = strtok_r(buf, ":", &save); tok; tok = strtok_r(nullptr, ":", &save)) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      complain("expected key=value, got", tok, nullptr);
      continue;
    }
    *eq = 0;
    const char *key = tok, *val = eq + 1;
    bool ok = true;
    if (!strcmp(key, "exitcode"))
      ok = parse_int(val, &o->exitcode);
    else if (!strcmp(key, "json"))
      o->json_path = val;
    else if (!strcmp(key, "log_path"))
      o->log_path = val;
    else if (!strcmp(key, "trace"))
      o->trace_path = val;
    else if (!strcmp(key, "suppressions"))
      o->suppressions_path = val;
    else if (!strcmp(key, "class")) {
      if (!strcmp(val, "instance"))
        o->class_per_instance = true;
      else if (!strcmp(val, "site"))
        o->class_per_instance = false;
      else
        ok = false;
    } else if (!strcmp(key, "class_depth")) {
      if (!strcmp(val, "auto"))
        o->class_depth = -1;
      else
        ok = parse_int(val, &o->class_depth) && o->class_depth >= 0 && o->class_depth < 8;
    } else if (!strcmp(key, "max_reports")) {
      int n = 0;
      ok = parse_int(val, &n) && n >= 0;
      o->max_reports = uint64_t(n);
    } else if (!strcmp(key, "report_predicted"))
      ok = parse_bool(val, &o->report_predicted);
    else if (!strcmp(key, "builtin_suppressions"))
      ok = parse_bool(val, &o->builtin_suppressions);
    else if (!strcmp(key, "verbosity"))
      ok = parse_int(val, &o->verbosity);
    else if (!strcmp(key, "report_gated"))
      ok = parse_bool(val, &o->report_gated);
    else if (!strcmp(key, "symbolize"))
      ok = parse_bool(val, &o->symbolize);
    else if (!strcmp(key, "external_symbolizer_path"))
      o->symbolizer_path = val;
    else if (!strcmp(key, "source_sites"))
      ok = parse_bool(val, &o->source_sites);
    else if (!strcmp(key, "print_stats"))
      ok = parse_bool(val, &o->print_stats);
    else if (!strcmp(key, "hang_timeout"))
      ok = parse_seconds(val, &o->hang_timeout);
    else if (!strcmp(key, "hang_log_path"))
      o->hang_log_path = val;
    else if (!strcmp(key, "fd_registry"))
      o->fd_registry = val;
    else {
      complain("unknown option", key, val);
      continue;
    }
    if (!ok)
      complain("bad value for", key, val);
  }
}

} // namespace fencedep::runtime
