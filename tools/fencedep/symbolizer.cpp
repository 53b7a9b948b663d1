// The only file that includes LLVM headers: LLVM's build flags and warnings
// stay out of the rest of the CLI.
#include "symbolizer.h"

#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/Symbolize/Symbolize.h>
#include <llvm/Demangle/Demangle.h>
#include <llvm/Object/ObjectFile.h>

#include <map>
#include <string>
#include <string_view>

#include "elf_probe.h"
#include "fencedep/core/report_printer.h"

namespace fencedep::cli {

using llvm::symbolize::LLVMSymbolizer;

struct Symbolizer::Impl {
  explicit Impl(StringPool &p) : pool(p), llvm(options()) {}

  static LLVMSymbolizer::Options options() {
    LLVMSymbolizer::Options o;
    o.Demangle = true;
    o.UseSymbolTable = true;
    o.PathStyle = llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath;
    o.PrintFunctions = llvm::DILineInfoSpecifier::FunctionNameKind::LinkageName;
    return o;
  }

  // The address to look up in the module's debug info. A position-dependent
  // executable runs at its link-time addresses, so its pc is the answer
  // whatever base the runtime measured the offset from; anything else is
  // looked up by its offset from the load address. Frames are return
  // addresses (and call sites taken from them): one byte back lands inside
  // the call instruction, whose line is the one to show.
  bool lookup_address(const FrameView &f, uint64_t *addr, bool is_return = true) {
    if (!f.module || !*f.module || f.module[0] == '[')
      return false;
    auto it = modules.find(f.module);
    if (it == modules.end()) {
      ElfInfo info;
      if (!probe_elf(f.module, &info) || !info.is_elf)
        info = ElfInfo{};
      it = modules.emplace(f.module, info).first;
    }
    if (!it->second.is_elf)
      return false;
    uint64_t a = it->second.fixed_address ? f.pc : f.offset;
    if (a == 0)
      return false;
    *addr = is_return ? a - 1 : a;
    return true;
  }

  // Merges one symbolized frame into what the runtime gave.
  void merge(const llvm::DILineInfo &info, FrameView &f) {
    if (info.FunctionName != llvm::DILineInfo::BadString)
      f.function = pool.intern(info.FunctionName);
    else if (f.function)
      f.function = pool.intern(llvm::demangle(f.function));
    if (info.FileName != llvm::DILineInfo::BadString && info.Line) {
      f.file = pool.intern(info.FileName);
      f.line = info.Line;
      f.column = info.Column;
      f.function_line = info.StartLine;
    }
  }

  // A static object: the data symbol it lies inside, and how far in. The
  // symbol table's nearest symbol below it is not that when the object is
  // past its end.
  void merge_data(const FrameView &f, uint64_t addr, FrameView &out) {
    auto res = llvm.symbolizeData(f.module, {addr, llvm::object::SectionedAddress::UndefSection});
    if (!res) {
      llvm::consumeError(res.takeError());
      return;
    }
    const llvm::DIGlobal &g = *res;
    if (g.Name.empty() || g.Name == llvm::DILineInfo::BadString || addr < g.Start)
      return;
    if (g.Size ? addr - g.Start >= g.Size : addr != g.Start)
      return;
    out.function = pool.intern(llvm::demangle(g.Name));
    out.symbol_offset = addr - g.Start;
  }

  StringPool &pool;
  LLVMSymbolizer llvm;
  std::map<std::string, ElfInfo> modules;
};

static bool is_annotation_wrapper(const FrameView &f) {
  static constexpr std::string_view kHeader = "/fencedep/fencedep.h";
  std::string_view file = f.file ? f.file : "";
  return file.size() >= kHeader.size() && file.substr(file.size() - kHeader.size()) == kHeader;
}

Symbolizer::Symbolizer(StringPool &pool) : impl_(std::make_unique<Impl>(pool)) {}
Symbolizer::~Symbolizer() = default;

void Symbolizer::frame(FrameView &f, bool is_return) {
  uint64_t addr = 0;
  if (!impl_->lookup_address(f, &addr, is_return))
    return;
  auto res = impl_->llvm.symbolizeInlinedCode(f.module,
                                              {addr, llvm::object::SectionedAddress::UndefSection});
  if (!res) {
    llvm::consumeError(res.takeError());
    return;
  }
  uint32_t n = res->getNumberOfFrames();
  if (n == 0)
    return;
  impl_->merge(res->getFrame(0), f);
  // The callers the code at this pc was inlined into, outermost last: the
  // place of an acquisition steps out of one-line lock wrappers by them.
  const FrameView *outer = nullptr;
  for (uint32_t i = n; i-- > 1;) {
    FrameView g;
    g.pc = f.pc;
    g.module = f.module;
    g.offset = f.offset;
    g.inlined_into = outer;
    impl_->merge(res->getFrame(i), g);
    outer = impl_->pool.keep(g);
  }
  f.inlined_into = outer;
}

void Symbolizer::data(FrameView &f) {
  uint64_t addr = 0;
  if (impl_->lookup_address(f, &addr, false))
    impl_->merge_data(f, addr, f);
}

std::vector<FrameView> Symbolizer::stack(const std::vector<FrameView> &in) {
  std::vector<FrameView> out;
  out.reserve(in.size());
  for (const FrameView &f : in) {
    uint64_t addr = 0;
    if (!impl_->lookup_address(f, &addr)) {
      out.push_back(f);
      continue;
    }
    auto res = impl_->llvm.symbolizeInlinedCode(
        f.module, {addr, llvm::object::SectionedAddress::UndefSection});
    if (!res) {
      llvm::consumeError(res.takeError());
      out.push_back(f);
      continue;
    }
    uint32_t n = res->getNumberOfFrames();
    if (n == 0) {
      out.push_back(f);
      continue;
    }
    for (uint32_t i = 0; i < n; ++i) {
      FrameView g = f;
      // Outer frames of an inlined chain are the caller's view of the same
      // pc; the runtime's function name only fits the outermost one.
      if (i + 1 < n)
        g.function = nullptr;
      impl_->merge(res->getFrame(i), g);
      out.push_back(g);
    }
  }
  // The annotation header's static inline wrappers are real functions at
  // -O0 and sit on top of every annotated stack; like the sanitizers' own
  // interceptor frames they are noise, not the program's code.
  size_t skip = 0;
  while (skip + 1 < out.size() && is_annotation_wrapper(out[skip]))
    ++skip;
  out.erase(out.begin(), out.begin() + long(skip));
  return out;
}

void Symbolizer::report(OwnedReport &r) {
  // A class's site is a return address (a call site), except for static
  // objects and thread start routines, which are addresses themselves.
  auto cls = [&](ClassView &c) {
    if (c.flags & kClassStatic)
      data(c.site);
    else
      frame(c.site, !(c.flags & kClassEntry));
  };
  cls(r.fields.subject);
  cls(r.fields.gate);
  cls(r.fields.lr_context);
  for (size_t i = 0; i < r.chain.size(); ++i) {
    cls(r.chain[i].from);
    cls(r.chain[i].to);
    if (r.chain[i].from_inst_site.module)
      frame(r.chain[i].from_inst_site);
    r.chain_stacks[i] = stack(r.chain_stacks[i]);
  }
  for (HeldView &h : r.held) {
    cls(h.cls);
    frame(h.at);
  }
  r.stack = stack(r.stack);
  // Names change with symbolization: tell apart again those that now print
  // the same.
  std::vector<ClassView *> views{&r.fields.subject, &r.fields.lr_context};
  if (r.fields.gated)
    views.push_back(&r.fields.gate);
  for (EdgeView &e : r.chain) {
    views.push_back(&e.from);
    views.push_back(&e.to);
  }
  for (HeldView &h : r.held)
    views.push_back(&h.cls);
  qualify_class_names(views.data(), uint32_t(views.size()));
}

} // namespace fencedep::cli
