#include "creation_sites.h"

#include "fencedep/core/class_registry.h"
#include "source_sites.h"
#include "unwind/modules.h"
#include "unwind/unwinder.h"

namespace fencedep::runtime {

namespace {
constexpr uint64_t kMany = 1ull << 63;
constexpr uint64_t kNoFunction = 1;

uint64_t space_of(ClassKind kind, bool first_use) {
  return (uint64_t(kind) << 1) | (first_use ? 1 : 0);
}

uint64_t fn_key(uint64_t space, uint64_t fn) { return mix64(fn * 0x9e3779b97f4a7c15ull + space + 1); }

// A site is its source chain where the module's debug info tells it (two
// inlined or cloned copies of one call are one site: source_sites.h), else
// its module and offset.
uint64_t site_key(ClassKind kind, uint64_t pc) {
  ModuleRef m;
  if (!find_module(pc - 1, &m))
    return class_key_for_instance(kind, pc);
  if (uint64_t src = source_chain_key(m.path, pc - m.bias))
    return mix64(src ^ (uint64_t(kind) << 56) ^ 0x5ec7);
  return class_key_for_site(kind, m.path, pc - m.bias);
}
} // namespace

bool CreationSites::init(int class_depth) {
  class_depth_ = class_depth;
  // Hash tables that creation sites touch at random: in huge pages.
  return functions_.init(1u << 17, true) && sites_.init(1u << 17, true) &&
         callers_.init(1u << 17, true) && chain_index_.init(size_t(kMaxChains) * 2, true) &&
         chains_.init(kMaxChains);
}

void CreationSites::reset_locks_after_fork() {
  for (AddressMap *m : {&functions_, &sites_, &callers_, &chain_index_})
    m->reset_lock();
  chain_lock_.reset();
  source_sites_after_fork();
}

uint64_t CreationSites::function_of(uint64_t pc) {
  uint64_t v;
  if (functions_.find(pc, &v))
    return v;
  v = function_start_of_return(pc);
  if (!v)
    v = kNoFunction;
  functions_.put(pc, v);
  return v;
}

uint64_t CreationSites::function_of_known(uint64_t pc) const {
  uint64_t v;
  return functions_.find(pc, &v) ? v : kNoFunction;
}

bool CreationSites::learn(AddressMap &m, uint64_t space, uint64_t fn, uint64_t site) {
  uint64_t key = fn_key(space, fn);
  uint64_t first;
  // Known already (the common case): no lock.
  if (m.find(key, &first) && (first == site || (first & kMany)))
    return first != site;
  bool inserted;
  first = m.put_if_absent(key, site, &inserted);
  if (inserted || first == site)
    return false;
  if (!(first & kMany)) {
    m.put(key, kMany);
    epoch_.fetch_add(1, std::memory_order_acq_rel);
    if (&m == &callers_)
      wrappers_.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

bool CreationSites::has_many(const AddressMap &m, uint64_t space, uint64_t fn) const {
  uint64_t v;
  return m.find(fn_key(space, fn), &v) && (v & kMany);
}

uint32_t CreationSites::intern(uint64_t space, const uint64_t *pcs, uint32_t n, bool *created) {
  *created = false;
  uint64_t h = hash_bytes(pcs, n * sizeof(uint64_t), space + 0xc4a1);
  if (!h || h == ~0ull)
    h = 2;
  uint64_t v;
  if (chain_index_.find(h, &v))
    return uint32_t(v);
  SpinGuard g(chain_lock_);
  if (chain_index_.find(h, &v))
    return uint32_t(v);
  uint32_t id = nchains_.load(std::memory_order_relaxed);
  if (id >= kMaxChains)
    return 0;
  Chain &c = chains_[id];
  for (uint32_t i = 0; i < n; ++i)
    c.pcs[i] = pcs[i];
  c.n = n;
  c.space = uint32_t(space);
  nchains_.store(id + 1, std::memory_order_release);
  chain_index_.put(h, id);
  *created = true;
  return id;
}

namespace {
// The thread's last walk. A program makes its objects in loops: the same
// call site, from the same frame, with the same callers above. A walk from
// the same host frame that would read the same stack words, with nothing
// learned since that ends a chain (the epoch), is the same walk and learns
// nothing new: its chain is the last one.
struct WalkMemo {
  const CreationSites *owner;
  uint64_t pc, sp, fp, space;
  uint32_t epoch;
  uint32_t chain;
  StackReadLog reads;
};
__thread WalkMemo walk_memo __attribute__((tls_model("initial-exec")));
} // namespace

uint32_t CreationSites::note(ClassKind kind, bool first_use, uint64_t pc) {
  uint64_t space = space_of(kind, first_use);
  uint64_t pcs[kMaxFrames];
  uint32_t n = 0;
  uint32_t want = class_depth_ >= 0 ? uint32_t(class_depth_) + 1 : kMaxFrames;
  if (want > kMaxFrames)
    want = kMaxFrames;
  StackReadLog reads;
  reads.clear();
  HostStackWalker w(&reads);
  uint64_t spc, ssp, sfp;
  w.start(&spc, &ssp, &sfp);
  WalkMemo &memo = walk_memo;
  if (memo.owner == this && memo.chain && spc == pc && memo.pc == pc && memo.sp == ssp &&
      memo.fp == sfp && memo.space == space && memo.epoch == epoch() && memo.reads.unchanged())
    return memo.chain;
  uint64_t prev_fn = 0;
  while (n < want && w.next(&pcs[n])) {
    // The walk must start at the interposed call; if it does not, the
    // stack cannot be trusted beyond the call site itself.
    if (n == 0 && pcs[0] != pc)
      break;
    uint64_t fn = function_of(pcs[n]);
    if (prev_fn && prev_fn != kNoFunction)
      learn(callers_, space, prev_fn, pcs[n]);
    ++n;
    if (class_depth_ >= 0)
      continue;
    // A function with several sites ends every chain through it, now and
    // later: nothing above it can matter. (learn() answers for the entry as
    // it leaves it: no second probe.)
    if (fn == kNoFunction || learn(sites_, space, fn, pcs[n - 1]))
      break;
    prev_fn = fn;
  }
  if (n == 0) {
    pcs[0] = pc;
    n = 1;
  }
  bool created;
  uint32_t chain = intern(space, pcs, n, &created);
  // A new chain's site will be keyed when its object is first used: where
  // that needs the source chain, ask for it now, and do not wait.
  if (created) {
    ModuleRef m;
    if (find_module(pcs[0] - 1, &m))
      source_chain_prefetch(m.path, pcs[0] - m.bias);
  }
  if (spc == pc && !reads.overflow) {
    memo.owner = this;
    memo.pc = pc;
    memo.sp = ssp;
    memo.fp = sfp;
    memo.space = space;
    memo.epoch = epoch(); // after this walk's own learning
    memo.chain = chain;
    memo.reads.clear();
    for (unsigned i = 0; i < reads.n; ++i) {
      memo.reads.addr[i] = reads.addr[i];
      memo.reads.value[i] = reads.value[i];
    }
    memo.reads.n = reads.n;
  }
  return chain;
}

CreationSites::Resolved CreationSites::resolve(uint32_t chain) const {
  Resolved r;
  if (!chain || chain >= nchains_.load(std::memory_order_acquire))
    return r;
  const Chain &c = chains_[chain];
  uint64_t space = c.space;
  ClassKind kind = ClassKind(space >> 1);
  uint32_t j = 0;
  if (class_depth_ >= 0) {
    j = uint32_t(class_depth_) < c.n ? uint32_t(class_depth_) : c.n - 1;
  } else {
    for (; j + 1 < c.n; ++j) {
      uint64_t fn = function_of_known(c.pcs[j]);
      bool wrapper = fn != kNoFunction && !has_many(sites_, space, fn) &&
                     has_many(callers_, space, fn);
      if (!wrapper)
        break;
    }
  }
  r.key = site_key(kind, c.pcs[0]);
  for (uint32_t i = 1; i <= j; ++i)
    r.key = mix64(r.key * 31 + site_key(kind, c.pcs[i]));
  r.site = c.pcs[j];
  r.depth = j;
  return r;
}

} // namespace fencedep::runtime
