// Stands in for libfencedep.so in the CLI's tests: on load, prints one
// wait-cycle report to stderr, as the runtime prints what it finds, and
// appends it to the json= file of FENCEDEP_OPTIONS (with its own LD_PRELOAD
// and FENCEDEP_OPTIONS as the detail, so tests can see what `run` passed),
// and two malformed lines when FAKE_MALFORMED is set.
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "fencedep/core/report_printer.h"
#include "fencedep/core/writer.h"

using namespace fencedep;

static std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? v : "";
}

static std::string option(const char *key) {
  std::string s = env("FENCEDEP_OPTIONS"), k = std::string(key) + "=";
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(':', pos);
    std::string item = s.substr(pos, end - pos);
    if (item.rfind(k, 0) == 0)
      return item.substr(k.size());
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return "";
}

// A frame for the caller's return address, as the runtime records them.
__attribute__((noinline)) static FrameView caller_frame() {
  void *pc = __builtin_return_address(0);
  FrameView f;
  f.pc = reinterpret_cast<uint64_t>(pc);
  Dl_info info;
  if (dladdr(pc, &info) && info.dli_fname) {
    f.module = info.dli_fname;
    f.offset = f.pc - reinterpret_cast<uint64_t>(info.dli_fbase);
    f.function = "fake_wait_site";
  }
  return f;
}

__attribute__((constructor)) static void fake_runtime_init() {
  std::string path = option("json");
  if (path.empty())
    return;
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return;
  FrameView wait_site = caller_frame();
  FrameView signal_site = caller_frame();
  std::string detail =
      "LD_PRELOAD=" + env("LD_PRELOAD") + " FENCEDEP_OPTIONS=" + env("FENCEDEP_OPTIONS");

  ClassView lock, fence;
  lock.key = 0x1111;
  lock.kind = ClassKind::Mutex;
  lock.site = wait_site;
  fence.key = 0x2222;
  fence.kind = ClassKind::Fence;
  fence.name = "fake-ring";
  EdgeView chain[2];
  chain[0].from = fence;
  chain[0].to = lock;
  chain[0].kind = EdgeKind::Signal;
  chain[0].stack = &signal_site;
  chain[0].nstack = 1;
  chain[1].from = lock;
  chain[1].to = fence;
  chain[1].kind = EdgeKind::Wait;
  chain[1].stack = &wait_site;
  chain[1].nstack = 1;
  for (EdgeView &e : chain)
    e.pid = e.tid = uint32_t(::getpid());
  ReportView r;
  r.kind = ReportKind::WaitCycle;
  r.pid = uint32_t(::getpid());
  r.tid = r.pid;
  r.program = "fake";
  r.subject = fence;
  r.subject_kind = EdgeKind::Signal;
  r.chain = chain;
  r.nchain = 2;
  r.detail = detail.c_str();

  FdWriter err(2);
  print_report_text(r, err);
  err.flush();
  FdWriter w(fd);
  print_report_json(r, w);
  w.ch('\n');
  if (std::getenv("FAKE_MALFORMED"))
    w.str("{not json\n{\"fencedep_report\":1}\n");
  w.flush();
  ::close(fd);
}
