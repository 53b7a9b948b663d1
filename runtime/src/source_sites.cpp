#include "source_sites.h"

#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "fencedep/core/address_map.h"
#include "fencedep/core/raw_memory.h"
#include "fencedep/core/writer.h"
#include "child_environment.h"
#include "stack_capture.h"

extern "C" pid_t _Fork(void);
extern char **environ;

namespace fencedep::runtime {

namespace {

constexpr uint64_t kUnknown = 1;  // in keys: asked, nothing known
constexpr uint64_t kPending = 3;  // in keys: asked, answer not read yet
constexpr uint64_t kFirstKey = 4; // real keys are above the markers
constexpr unsigned kMaxOutstanding = 4096;
constexpr uint64_t kNoDebug = 1;  // in module_debug
constexpr uint64_t kHasDebug = 2;
constexpr int kFirstAnswerMs = 10000; // the helper loads the module's DWARF
constexpr int kAnswerMs = 3000;

enum class Helper { Unstarted, Running, Dead };

bool enabled;
char helper_path[512];
Helper helper = Helper::Unstarted;
int sock = -1;
struct stat sock_stat; // to notice the host closing or reusing our descriptor
bool answered_once;
SpinLock lock;         // one conversation at a time; guards the buffers
AddressMap keys;          // (module, offset) -> key | kUnknown
AddressMap module_debug;  // module path pointer -> kNoDebug | kHasDebug
std::atomic<uint64_t> found{0};
char io[1 << 12];        // one request line
char answers[1 << 16];   // read from the helper, not yet taken apart
size_t answers_len;
// Questions sent and not yet answered, in order (the helper answers in
// order): what each answer is the key of.
uint64_t outstanding[kMaxOutstanding];
const char *outstanding_module[kMaxOutstanding];
unsigned out_head, out_tail;
uint8_t elf_buf[1 << 15];

int sys_close(int fd) { return int(syscall(SYS_close, fd)); }

bool executable(const char *p) { return p && p[0] && access(p, X_OK) == 0; }

const char *basename_of(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

bool read_at(int fd, void *buf, size_t n, uint64_t off) {
  return syscall(SYS_pread64, fd, buf, n, off) == ssize_t(n);
}

// Debug info in the file itself, or in the separate file its build id
// names under /usr/lib/debug (Debian's -dbgsym packages), where the
// symbolizer looks too.
bool file_has_debug_info(const char *path) {
  int fd = int(syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC));
  if (fd < 0)
    return false;
  bool yes = false;
  Elf64_Ehdr eh;
  if (read_at(fd, &eh, sizeof eh, 0) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
      eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_shentsize == sizeof(Elf64_Shdr) &&
      eh.e_shnum > 0 && eh.e_shstrndx < eh.e_shnum &&
      size_t(eh.e_shnum) * sizeof(Elf64_Shdr) <= sizeof elf_buf / 2) {
    auto *sh = reinterpret_cast<Elf64_Shdr *>(elf_buf);
    char *names = reinterpret_cast<char *>(elf_buf) + sizeof elf_buf / 2;
    size_t names_cap = sizeof elf_buf / 2 - 1;
    if (read_at(fd, sh, eh.e_shnum * sizeof(Elf64_Shdr), eh.e_shoff)) {
      const Elf64_Shdr &ns = sh[eh.e_shstrndx];
      size_t nn = ns.sh_size < names_cap ? ns.sh_size : names_cap;
      if (read_at(fd, names, nn, ns.sh_offset)) {
        names[nn] = 0;
        for (unsigned i = 0; i < eh.e_shnum && !yes; ++i) {
          if (sh[i].sh_name >= nn)
            continue;
          const char *name = names + sh[i].sh_name;
          if (sh[i].sh_type != SHT_NOBITS &&
              (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info"))) {
            yes = true;
          } else if (!strcmp(name, ".note.gnu.build-id") && sh[i].sh_size <= 64) {
            uint8_t note[64];
            if (!read_at(fd, note, sh[i].sh_size, sh[i].sh_offset))
              continue;
            auto *nh = reinterpret_cast<const Elf64_Nhdr *>(note);
            size_t desc = sizeof(Elf64_Nhdr) + ((nh->n_namesz + 3) & ~3u);
            if (nh->n_type != NT_GNU_BUILD_ID || nh->n_descsz < 2 ||
                desc + nh->n_descsz > sh[i].sh_size)
              continue;
            char p[128];
            BufferWriter w(p, sizeof p);
            w.str("/usr/lib/debug/.build-id/");
            static const char hex[] = "0123456789abcdef";
            for (unsigned k = 0; k < nh->n_descsz; ++k) {
              w.ch(hex[note[desc + k] >> 4]).ch(hex[note[desc + k] & 15]);
              if (k == 0)
                w.ch('/');
            }
            w.str(".debug").ch('\0');
            yes = syscall(SYS_faccessat, AT_FDCWD, p, R_OK) == 0;
          }
        }
      }
    }
  }
  sys_close(fd);
  return yes;
}

// Known: lock-free. Not yet: reads the file under `lock` (its buffers).
bool module_has_debug_info(const char *module) {
  uint64_t k = reinterpret_cast<uint64_t>(module), v;
  if (module_debug.find(k, &v))
    return v == kHasDebug;
  SpinGuard g(lock);
  if (module_debug.find(k, &v))
    return v == kHasDebug;
  bool yes = module[0] == '/' && file_has_debug_info(module);
  module_debug.put(k, yes ? kHasDebug : kNoDebug);
  return yes;
}

// Starts the helper as a grandchild: the host never sees it exit (no
// SIGCHLD for it, nothing for a `wait(-1)` loop to wait for), and it ends
// when the socket closes (EOF on its input), with this process.
bool start_helper() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return false;
  static char *envp[1024];
  child_environment(envp, 1024);
  static char arg_inlining[] = "--inlining=true";
  static char arg_functions[] = "--functions=none";
  char *argv[] = {helper_path, arg_inlining, arg_functions, nullptr};
  pid_t pid = _Fork();
  if (pid == 0) {
    if (_Fork() == 0) {
      dup2(sv[1], 0);
      dup2(sv[1], 1);
      int devnull = int(syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY));
      if (devnull >= 0)
        dup2(devnull, 2);
      syscall(SYS_execve, helper_path, argv, envp);
    }
    syscall(SYS_exit_group, 0);
  }
  sys_close(sv[1]);
  if (pid < 0) {
    sys_close(sv[0]);
    return false;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  sock = sv[0];
  if (fstat(sock, &sock_stat) != 0) {
    sys_close(sock);
    sock = -1;
    return false;
  }
  return true;
}

// Questions in flight have no answer to wait for any more: their
// addresses are asked again (after fork) or keyed by address (helper gone).
void drop_outstanding() {
  for (unsigned i = out_head; i != out_tail; ++i)
    keys.erase(outstanding[i % kMaxOutstanding]);
  out_head = out_tail = 0;
  answers_len = 0;
}

bool socket_is_ours() {
  struct stat st;
  return sock >= 0 && fstat(sock, &st) == 0 && st.st_ino == sock_stat.st_ino &&
         st.st_dev == sock_stat.st_dev;
}

void stop_helper() {
  // Only if the descriptor is still ours: the host may have closed it and
  // opened something else under its number.
  if (socket_is_ours())
    sys_close(sock);
  sock = -1;
  helper = Helper::Dead;
  drop_outstanding();
}

uint64_t key_of_answer(const char *module, const char *text, size_t len) {
  // "??:0:0": no line for this address.
  if (len <= 1 || !strncmp(text, "??", 2))
    return kUnknown;
  uint64_t key = hash_bytes(text, len, hash_string(basename_of(module), 0x50c7));
  if (key < kFirstKey || key == ~0ull)
    key = kFirstKey;
  found.fetch_add(1, std::memory_order_relaxed);
  return key;
}

// Takes the complete answers out of `answers` (each: the frames'
// file:line:col lines, innermost first, then a blank line) and stores
// their keys.
void take_answers() {
  size_t at = 0;
  while (at < answers_len && out_head != out_tail) {
    size_t end = at;
    while (end < answers_len && !(answers[end] == '\n' && (end == at || answers[end - 1] == '\n')))
      ++end;
    if (end == answers_len)
      break; // incomplete
    unsigned slot = out_head++ % kMaxOutstanding;
    answered_once = true;
    keys.put(outstanding[slot], key_of_answer(outstanding_module[slot], answers + at, end - at));
    at = end + 1;
  }
  memmove(answers, answers + at, answers_len - at);
  answers_len -= at;
}

// Reads what the helper has answered, waiting up to `ms` for something
// when nothing has arrived. False when it failed or took too long.
bool pump(int ms) {
  struct pollfd p = {sock, POLLIN, 0};
  long r;
  while ((r = syscall(SYS_poll, &p, 1, ms)) < 0 && errno == EINTR) {
  }
  if (r < 0 || (r == 0 && ms > 0))
    return false;
  if (r == 0)
    return true;
  if (answers_len == sizeof answers)
    return false; // an answer longer than the buffer: not from a symbolizer
  ssize_t n;
  while ((n = syscall(SYS_read, sock, answers + answers_len, sizeof answers - answers_len)) < 0 &&
         errno == EINTR) {
  }
  if (n <= 0)
    return false;
  answers_len += size_t(n);
  take_answers();
  return true;
}

int wait_ms() { return answered_once ? kAnswerMs : kFirstAnswerMs; }

// Sends one question without waiting for its answer.
bool send_question(uint64_t ck, const char *module, uint64_t address) {
  if (!socket_is_ours())
    return false;
  while (out_tail - out_head >= kMaxOutstanding)
    if (!pump(wait_ms()))
      return false;
  BufferWriter w(io, sizeof io);
  w.str("CODE \"").str(module).str("\" ").hex(address).ch('\n');
  size_t len = w.size(), off = 0;
  while (off < len) {
    ssize_t n = syscall(SYS_sendto, sock, io + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT,
                        nullptr, 0);
    if (n > 0) {
      off += size_t(n);
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // The helper is busy answering: read its answers so it can go on.
      if (!pump(wait_ms()))
        return false;
    } else if (errno != EINTR) {
      return false;
    }
  }
  unsigned slot = out_tail++ % kMaxOutstanding;
  outstanding[slot] = ck;
  outstanding_module[slot] = module;
  keys.put(ck, kPending);
  return true;
}

uint64_t address_key(const char *module, uint64_t offset) {
  return mix64(reinterpret_cast<uint64_t>(module)) ^ mix64(offset + 0x5c);
}

// Under `lock`: asks about (module, offset) unless it is known or asked.
// False when nothing will be known (no helper).
bool ask_locked(uint64_t ck, const char *module, uint64_t offset) {
  uint64_t v;
  if (keys.find(ck, &v))
    return true;
  // A path the request line cannot carry is not asked about.
  if (helper == Helper::Dead || strchr(module, '"') || strchr(module, '\n'))
    return false;
  if (helper == Helper::Unstarted) {
    if (!start_helper()) {
      helper = Helper::Dead;
      return false;
    }
    helper = Helper::Running;
  }
  // Module offsets are file addresses; a return address is asked about as
  // its call instruction (the byte before it).
  if (!send_question(ck, module, offset - 1)) {
    stop_helper(); // gone or stuck: addresses key sites from now on
    return false;
  }
  return true;
}

} // namespace

void source_sites_init(const char *symbolizer, bool on) {
  const char *candidates[] = {symbolizer, getenv("FENCEDEP_SYMBOLIZER"),
                              "/usr/lib/llvm-16/bin/llvm-symbolizer",
                              "/usr/bin/llvm-symbolizer-16", "/usr/bin/llvm-symbolizer"};
  for (const char *c : candidates) {
    if (executable(c) && strlen(c) < sizeof helper_path) {
      strcpy(helper_path, c);
      break;
    }
  }
  enabled = on && helper_path[0] && keys.init(1u << 20) && module_debug.init(1u << 10);
  // A program with debug info will ask: the helper starts now, outside any
  // hook, and loads while the program starts.
  const char *exe = exe_path();
  if (enabled && exe && exe[0] == '/' && file_has_debug_info(exe)) {
    SpinGuard g(lock);
    helper = start_helper() ? Helper::Running : Helper::Dead;
  }
}

uint64_t source_chain_key(const char *module, uint64_t offset) {
  if (!enabled || !module || !offset)
    return 0;
  uint64_t ck = address_key(module, offset);
  uint64_t v;
  if (keys.find(ck, &v) && v != kPending)
    return v == kUnknown ? 0 : v;
  // Nothing is stored per address of a module without debug info: the
  // module's answer is enough.
  if (!module_has_debug_info(module))
    return 0;
  SpinGuard g(lock);
  if (!ask_locked(ck, module, offset))
    return 0;
  // Answers come in order: read until this one is in.
  while (keys.find(ck, &v) && v == kPending) {
    if (!pump(wait_ms())) {
      stop_helper();
      return 0;
    }
  }
  return keys.find(ck, &v) && v >= kFirstKey ? v : 0;
}

void source_chain_prefetch(const char *module, uint64_t offset) {
  if (!enabled || !module || !offset)
    return;
  uint64_t ck = address_key(module, offset), v;
  if (keys.find(ck, &v) || !module_has_debug_info(module))
    return;
  SpinGuard g(lock);
  if (ask_locked(ck, module, offset) && !pump(0))
    stop_helper();
}

void source_sites_after_fork() {
  lock.reset();
  keys.reset_lock();
  module_debug.reset_lock();
  bool was_running = helper == Helper::Running;
  stop_helper(); // the parent's: its questions are asked again here
  helper = was_running ? Helper::Unstarted : helper;
}

uint64_t source_keys_found() { return found.load(std::memory_order_relaxed); }

} // namespace fencedep::runtime
