#include "external_symbolizer.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "child_environment.h"
#include "fencedep/core/writer.h"
#include "real_functions.h"
#include "stack_capture.h"

extern "C" pid_t _Fork(void);
extern char **environ;

namespace fencedep::runtime {

namespace {

constexpr unsigned kMaxQueries = 512;

struct Query {
  uint64_t pc;
  bool data;
  const char *module;
  uint64_t address; // as llvm-symbolizer wants it (file virtual address)
  FrameView answer; // code: the innermost inlined function, chained outwards
  bool resolved;
};

char symbolizer_path[512];
Query queries[kMaxQueries];
// Modules already said to lack symbols (their paths live in the module
// table for the whole run).
constexpr unsigned kMaxUnnamed = 32;
const char *unnamed_modules[kMaxUnnamed];
unsigned nunnamed;
unsigned nqueries;
char strings[1 << 17]; // answers' text; reset per report
size_t strings_used;
// The outer levels of inline chains; reset per report.
constexpr unsigned kMaxInlined = 1024;
FrameView inlined[kMaxInlined];
unsigned ninlined;
char io_buf[1 << 18]; // --verbose answers: some 200 bytes a level

const char *keep(const char *s, size_t n) {
  if (strings_used + n + 1 > sizeof strings)
    return nullptr;
  char *p = strings + strings_used;
  memcpy(p, s, n);
  p[n] = 0;
  strings_used += n + 1;
  return p;
}

bool executable(const char *p) { return p && access(p, X_OK) == 0; }

// Runs the symbolizer with `in` on its stdin and its stdout into io_buf.
ssize_t run_symbolizer(const char *in, size_t in_len) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0)
    return -1;
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    REAL(close)(to_child[0]);
    REAL(close)(to_child[1]);
    return -1;
  }
  static char *envp[1024];
  child_environment(envp, 1024);
  // --verbose: each level of an inline chain with the line its function
  // starts on (report_place steps out of one-line lock wrappers by it).
  static char arg_verbose[] = "--verbose";
  char *argv[] = {symbolizer_path, arg_verbose, nullptr};
  pid_t pid = _Fork();
  if (pid == 0) {
    dup2(to_child[0], 0);
    dup2(from_child[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      dup2(devnull, 2);
    REAL(execve)(symbolizer_path, argv, envp);
    REAL(_exit)(127);
  }
  REAL(close)(to_child[0]);
  REAL(close)(from_child[1]);
  ssize_t got = -1;
  if (pid > 0) {
    // The request is small (one report); the pipe holds it whole, so write
    // it all, close, then read the answer with a deadline.
    size_t off = 0;
    while (off < in_len) {
      ssize_t w = REAL(write)(to_child[1], in + off, in_len - off);
      if (w <= 0)
        break;
      off += size_t(w);
    }
    REAL(close)(to_child[1]);
    to_child[1] = -1;
    got = 0;
    for (;;) {
      struct pollfd pfd = {from_child[0], POLLIN, 0};
      int r = poll(&pfd, 1, 5000);
      if (r <= 0) {
        kill(pid, SIGKILL);
        got = -1;
        break;
      }
      ssize_t n = REAL(read)(from_child[0], io_buf + got, sizeof io_buf - 1 - size_t(got));
      if (n <= 0)
        break;
      got += n;
      if (size_t(got) >= sizeof io_buf - 1)
        break;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (to_child[1] >= 0)
    REAL(close)(to_child[1]);
  REAL(close)(from_child[0]);
  return got;
}

uint32_t number_after(const char *line, const char *key) {
  size_t n = strlen(key);
  if (strncmp(line, key, n) != 0)
    return 0;
  return uint32_t(strtoul(line + n, nullptr, 10));
}

// A code answer (--verbose): per level of the inline chain, innermost
// first, the function's name, then indented "Key: value" lines.
void parse_code(char **lines, unsigned nl, Query &qr) {
  FrameView *level = nullptr;
  for (unsigned i = 0; i < nl; ++i) {
    const char *l = lines[i];
    if (l[0] != ' ') {
      FrameView *next = &qr.answer;
      if (level) {
        if (ninlined == kMaxInlined)
          return;
        next = &inlined[ninlined++];
        *next = FrameView{};
        level->inlined_into = next;
      }
      level = next;
      if (strcmp(l, "??") != 0)
        level->function = keep(l, strlen(l));
      continue;
    }
    if (!level)
      continue;
    while (*l == ' ')
      ++l;
    if (!strncmp(l, "Filename: ", 10)) {
      if (strcmp(l + 10, "??") != 0)
        level->file = keep(l + 10, strlen(l + 10));
    } else if (uint32_t start = number_after(l, "Function start line: ")) {
      level->function_line = start;
    } else if (uint32_t line = number_after(l, "Line: ")) {
      level->line = line;
    } else if (uint32_t column = number_after(l, "Column: ")) {
      level->column = column;
    }
  }
  // A file without a line says nothing.
  for (FrameView *f = &qr.answer; f; f = const_cast<FrameView *>(f->inlined_into))
    if (!f->line)
      f->file = nullptr;
}

// A data answer: name, "start size" (decimal), [file:line]. The name only
// when the object lies inside the symbol: past its end (or past a symbol
// of no size) it is the nearest unrelated one.
void parse_data(char **lines, unsigned nl, Query &qr) {
  if (nl < 2 || strcmp(lines[0], "??") == 0)
    return;
  char *end = nullptr;
  uint64_t start = strtoull(lines[1], &end, 10);
  uint64_t size = end ? strtoull(end, nullptr, 10) : 0;
  if (qr.address < start || (size ? qr.address - start >= size : qr.address != start))
    return;
  qr.answer.function = keep(lines[0], strlen(lines[0]));
  qr.answer.symbol_offset = qr.address - start;
}

// Splits io_buf into the answers: blocks separated by blank lines, in
// query order.
void parse_answers(size_t len) {
  io_buf[len] = 0;
  char *p = io_buf;
  for (unsigned q = 0; q < nqueries && *p; ++q) {
    constexpr unsigned kMaxLines = 64;
    char *lines[kMaxLines] = {};
    unsigned nl = 0;
    while (*p && *p != '\n') {
      char *eol = strchr(p, '\n');
      if (!eol)
        eol = p + strlen(p);
      if (nl < kMaxLines)
        lines[nl++] = p;
      bool end = !*eol;
      *eol = 0;
      p = end ? eol : eol + 1;
    }
    if (*p == '\n')
      ++p;
    Query &qr = queries[q];
    if (nl == 0 || !lines[0])
      continue;
    if (qr.data)
      parse_data(lines, nl, qr);
    else
      parse_code(lines, nl, qr);
    qr.resolved = true;
  }
}

} // namespace

bool external_symbolizer_init(const char *override_path) {
  const char *candidates[] = {override_path, getenv("FENCEDEP_SYMBOLIZER"),
                              "/usr/lib/llvm-16/bin/llvm-symbolizer",
                              "/usr/bin/llvm-symbolizer-16", "/usr/bin/llvm-symbolizer"};
  for (const char *c : candidates) {
    if (executable(c) && strlen(c) < sizeof symbolizer_path) {
      strcpy(symbolizer_path, c);
      return true;
    }
  }
  return false;
}

void RecordingSymbolizer::reset() {
  nqueries = 0;
  strings_used = 0;
  ninlined = 0;
  replaying = false;
}

void RecordingSymbolizer::symbolize(uint64_t pc, bool is_return, FrameView *out) {
  ModuleSymbolizer base;
  base.symbolize(pc, is_return, out);
  if (replaying) {
    for (unsigned i = 0; i < nqueries; ++i) {
      const Query &q = queries[i];
      if (q.pc != pc || q.data == is_return || !q.resolved)
        continue;
      if (q.answer.function) {
        out->function = q.answer.function;
        out->symbol_offset = q.answer.symbol_offset;
        out->function_line = q.answer.function_line;
      }
      if (q.answer.file) {
        out->file = q.answer.file;
        out->line = q.answer.line;
        out->column = q.answer.column;
      }
      // The outer levels of an inline chain are the same pc seen from the
      // callers.
      for (const FrameView *f = q.answer.inlined_into; f; f = f->inlined_into) {
        FrameView *level = const_cast<FrameView *>(f);
        level->pc = out->pc;
        level->module = out->module;
        level->offset = out->offset;
      }
      out->inlined_into = q.answer.inlined_into;
      return;
    }
    return;
  }
  if (!symbolizer_path[0] || !pc || nqueries == kMaxQueries)
    return;
  for (unsigned i = 0; i < nqueries; ++i)
    if (queries[i].pc == pc && queries[i].data == !is_return)
      return;
  if (!out->module)
    return;
  // Module offsets are file addresses: from the load bias (0 for a
  // position-dependent executable, which runs at its link addresses).
  uint64_t lookup = is_return ? out->offset - 1 : out->offset;
  queries[nqueries++] = Query{pc, !is_return, out->module, lookup, {}, false};
}

unsigned RecordingSymbolizer::new_modules_without_symbols(const char **out, unsigned max) {
  unsigned n = 0;
  for (unsigned i = 0; i < nqueries && n < max; ++i) {
    const Query &q = queries[i];
    if (q.data || !q.resolved || q.answer.file || !q.module)
      continue;
    bool known = false;
    for (unsigned k = 0; k < nunnamed && !known; ++k)
      known = unnamed_modules[k] == q.module;
    if (known || nunnamed == kMaxUnnamed)
      continue;
    unnamed_modules[nunnamed++] = q.module;
    out[n++] = q.module;
  }
  return n;
}

void RecordingSymbolizer::resolve() {
  if (!nqueries || !symbolizer_path[0])
    return;
  static char request[1 << 16];
  BufferWriter w(request, sizeof request);
  for (unsigned i = 0; i < nqueries; ++i) {
    w.str(queries[i].data ? "DATA \"" : "CODE \"").str(queries[i].module).str("\" ");
    w.hex(queries[i].address).ch('\n');
  }
  ssize_t n = run_symbolizer(request, w.size());
  if (n > 0)
    parse_answers(size_t(n));
}

} // namespace fencedep::runtime
