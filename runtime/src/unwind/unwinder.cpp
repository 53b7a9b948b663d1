#include "unwinder.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>

#include "cfi.h"
#include "fencedep/core/raw_memory.h"
#include "modules.h"

extern "C" void *__libc_stack_end;

namespace fencedep::runtime {

namespace {

__thread uint64_t stack_top __attribute__((tls_model("initial-exec")));

struct Regs {
  uint64_t pc; // a return address
  uint64_t sp; // the stack pointer after returning to pc
  uint64_t fp;
};

// The stack as this thread may read it: [lo, hi).
struct StackBounds {
  uint64_t lo;
  uint64_t hi;
  StackReadLog *log = nullptr;
  bool has(uint64_t addr) const { return addr >= lo && addr + 8 <= hi && !(addr & 7); }
  bool read(uint64_t addr, uint64_t *out) const {
    if (!has(addr))
      return false;
    *out = *reinterpret_cast<const uint64_t *>(addr);
    if (__builtin_expect(log != nullptr, 0)) {
      if (log->n < StackReadLog::kMax) {
        log->addr[log->n] = addr;
        log->value[log->n++] = *out;
      } else {
        log->overflow = true;
      }
    }
    return true;
  }
};

StackBounds current_bounds(uint64_t sp) {
  uint64_t hi = stack_top;
  // A thread the runtime did not start: glibc places the thread descriptor
  // at the top of its stack block, so the stack lies below pthread_self().
  if (!hi)
    hi = reinterpret_cast<uint64_t>(__builtin_thread_pointer());
  if (hi <= sp)
    hi = sp + (1u << 16); // an alternate signal stack: stay near sp
  return StackBounds{sp, hi};
}

// The rules of recently unwound return addresses: hooks called from the
// same places over and over unwind the same frames, and finding an FDE and
// running its program costs far more than reading two stack slots. Direct
// mapped, written racily: a torn entry fails its check word and is redone.
struct CachedRule {
  std::atomic<uint64_t> pc;
  std::atomic<uint64_t> packed; // cfa_reg:8 | rbp_saved:8 | cfa_offset:16 | ra_offset:16 | rbp_offset:16
  std::atomic<uint64_t> check;  // pc ^ packed
};
constexpr unsigned kRuleCacheBits = 12;
CachedRule rule_cache[1u << kRuleCacheBits];

bool fits16(int64_t v) { return v >= -32768 && v < 32768; }

bool cached_rule(uint64_t pc, FrameRule *out) {
  CachedRule &c = rule_cache[mix64(pc) >> (64 - kRuleCacheBits)];
  uint64_t packed = c.packed.load(std::memory_order_acquire);
  if (c.pc.load(std::memory_order_relaxed) != pc ||
      c.check.load(std::memory_order_relaxed) != (pc ^ packed))
    return false;
  out->cfa_reg = uint8_t(packed >> 56);
  out->rbp_saved = uint8_t(packed >> 48) != 0;
  out->cfa_offset = int16_t(packed >> 32);
  out->ra_offset = int16_t(packed >> 16);
  out->rbp_offset = int16_t(packed);
  return true;
}

void remember_rule(uint64_t pc, const FrameRule &r) {
  if (!fits16(r.cfa_offset) || !fits16(r.ra_offset) || !fits16(r.rbp_offset))
    return;
  uint64_t packed = uint64_t(r.cfa_reg) << 56 | uint64_t(r.rbp_saved ? 1 : 0) << 48 |
                    uint64_t(uint16_t(r.cfa_offset)) << 32 | uint64_t(uint16_t(r.ra_offset)) << 16 |
                    uint16_t(r.rbp_offset);
  CachedRule &c = rule_cache[mix64(pc) >> (64 - kRuleCacheBits)];
  c.check.store(0, std::memory_order_relaxed);
  c.pc.store(pc, std::memory_order_relaxed);
  c.packed.store(packed, std::memory_order_release);
  c.check.store(pc ^ packed, std::memory_order_release);
}

// One step through a host frame by its call frame information; false at
// the outermost frame or where the rules are not followed.
bool step_cfi(const StackBounds &b, Regs &r) {
  FrameRule rule;
  if (!cached_rule(r.pc, &rule)) {
    ModuleRef m;
    if (!find_module(r.pc - 1, &m) || !find_frame_rule(m.eh_frame_hdr, r.pc - 1, &rule))
      return false;
    remember_rule(r.pc, rule);
  }
  // At a return address the function's frame is as it was at the call:
  // its CFA is computed from the sp it had then.
  uint64_t cfa = (rule.cfa_reg == 7 ? r.sp : r.fp) + uint64_t(rule.cfa_offset);
  uint64_t ra, fp = r.fp;
  if (!b.read(cfa + uint64_t(rule.ra_offset), &ra))
    return false;
  if (rule.rbp_saved && !b.read(cfa + uint64_t(rule.rbp_offset), &fp))
    return false;
  if (cfa <= r.sp && ra == r.pc)
    return false; // no progress
  r = Regs{ra, cfa, fp};
  return true;
}

// One step by frame pointer (code without unwind tables).
bool step_fp(const StackBounds &b, Regs &r) {
  uint64_t fp, ra;
  if (r.fp < r.sp || !b.read(r.fp, &fp) || !b.read(r.fp + 8, &ra) || fp <= r.fp)
    return false;
  r = Regs{ra, r.fp + 16, fp};
  return true;
}

} // namespace

void set_thread_stack_top(uint64_t top) { stack_top = top; }

void init_unwinder() {
  if (uint32_t(syscall(SYS_gettid)) == uint32_t(getpid()))
    set_thread_stack_top(reinterpret_cast<uint64_t>(__libc_stack_end) + 8);
}

__attribute__((noinline)) HostStackWalker::HostStackWalker(StackReadLog *log) : log_(log) {
  uint64_t sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  StackBounds b = current_bounds(sp);
  lo_ = b.lo;
  hi_ = b.hi;
  // The runtime's frames, by frame pointer (it is built to keep them),
  // until the return address leaves the runtime.
  Regs r{0, 0, sp};
  for (;;) {
    uint64_t frame = r.fp, fp, ra;
    if (!b.read(frame, &fp) || !b.read(frame + 8, &ra)) {
      done_ = true;
      return;
    }
    r = Regs{ra, frame + 16, fp};
    if (!in_runtime(ra))
      break; // `fp` is the host's frame pointer register, whatever it holds
    if (fp <= frame) {
      done_ = true;
      return;
    }
  }
  pc_ = r.pc;
  sp_ = r.sp;
  fp_ = r.fp;
}

bool HostStackWalker::next(uint64_t *pc) {
  if (done_)
    return false;
  StackBounds b{lo_, hi_, log_};
  Regs r{pc_, sp_, fp_};
  if (started_ && !step_cfi(b, r) && !step_fp(b, r)) {
    done_ = true;
    return false;
  }
  started_ = true;
  // The runtime's thread trampoline is where a thread's own stack begins.
  if (r.pc <= 4096 || in_runtime(r.pc)) {
    done_ = true;
    return false;
  }
  pc_ = r.pc;
  sp_ = r.sp;
  fp_ = r.fp;
  *pc = r.pc;
  return true;
}

uint32_t capture_host_stack(uint64_t *pcs, uint32_t max) {
  HostStackWalker w;
  uint32_t n = 0;
  while (n < max && w.next(&pcs[n]))
    ++n;
  return n;
}

bool function_range_of_return(uint64_t pc, uint64_t *start, uint64_t *end) {
  ModuleRef m;
  return pc && find_module(pc - 1, &m) &&
         find_function_range(m.eh_frame_hdr, pc - 1, start, end);
}

uint64_t function_start_of_return(uint64_t pc) {
  ModuleRef m;
  uint64_t start;
  if (!pc || !find_module(pc - 1, &m) || !find_function_start(m.eh_frame_hdr, pc - 1, &start))
    return 0;
  return start;
}

} // namespace fencedep::runtime
