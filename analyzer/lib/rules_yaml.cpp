// Reading rule files with LLVM's YAML I/O: the schema is declared once as
// mapping traits, and every syntax or schema error (unknown key, missing
// key, bad number) comes back from LLVM's parser with its line and column.
#include "fencedep/analyzer/rules.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SourceMgr.h>
#include <llvm/Support/YAMLTraits.h>
#include <llvm/Support/raw_ostream.h>

using namespace fencedep::analyzer;

namespace {

// A name in a list. YAML I/O refuses sequences of std::string, so names
// get a type of their own.
struct Name {
  std::string value;
};

struct SectionNames {
  std::vector<Name> begin, end;
};

struct FencesDoc {
  std::vector<FenceCall> wait, signal, passthrough;
  SectionNames section;
};

struct SinksDoc {
  std::vector<FenceCall> resvAttach, exports, dependency;
};

struct LongRunningDoc {
  std::vector<FenceCall> markers;
  std::vector<Name> flagBits, bitSetters, annotations, predicates, returning, types;
};

struct DeferredWorkDoc {
  std::vector<Name> bindFields;
  std::vector<QueueCall> queue;
};

struct ContextsDoc {
  std::vector<ContextEntry> mm, signallingRoots, atomicCallbacks, invokedArguments;
  SectionNames reclaimRegions;
  DeferredWorkDoc deferredWork;
};

struct WorkqueuesDoc {
  std::vector<WqAllocCall> alloc;
  std::vector<Name> reclaimFlags, system;
};

struct FactsDoc {
  std::vector<Fact> boundedWaits, unawaited, unreachable, nonBlocking, absentOps;
};

struct AllocationsDoc {
  std::vector<AllocCall> functions;
  std::vector<Name> gfpReclaim, gfpNoReclaim, gfpReclaimBits;
};

struct LockDoc {
  std::string lockClass;
  int arg = 0;
  std::vector<Name> acquire, trylock, release;
  bool sleeps = true, mm = false, resv = false;
};

struct RulesDoc {
  int version = 0;
  FencesDoc fences;
  SinksDoc sinks;
  LongRunningDoc longRunning;
  ContextsDoc contexts;
  AllocationsDoc allocations;
  std::vector<Name> sleeping;
  std::vector<LockDoc> locks;
  WorkqueuesDoc workqueues;
  FactsDoc facts;
  std::vector<Name> exportMacros;
};

} // namespace

LLVM_YAML_IS_FLOW_SEQUENCE_VECTOR(Name)
LLVM_YAML_IS_SEQUENCE_VECTOR(FenceCall)
LLVM_YAML_IS_SEQUENCE_VECTOR(AllocCall)
LLVM_YAML_IS_SEQUENCE_VECTOR(ContextEntry)
LLVM_YAML_IS_SEQUENCE_VECTOR(LockDoc)
LLVM_YAML_IS_SEQUENCE_VECTOR(QueueCall)
LLVM_YAML_IS_SEQUENCE_VECTOR(WqAllocCall)
LLVM_YAML_IS_SEQUENCE_VECTOR(Fact)

namespace llvm::yaml {

template <> struct ScalarTraits<Name> {
  static void output(const Name &N, void *, raw_ostream &OS) { OS << N.value; }
  static StringRef input(StringRef Scalar, void *, Name &N) {
    if (Scalar.empty())
      return "expected a name";
    N.value = Scalar.str();
    return {};
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct MappingTraits<FenceCall> {
  static void mapping(IO &io, FenceCall &F) {
    io.mapRequired("name", F.name);
    io.mapOptional("fence", F.fence, -1);
  }
  static std::string validate(IO &, FenceCall &F) {
    if (F.fence < -1)
      return "'fence' must be an argument index (0-based) or -1";
    return {};
  }
};

template <> struct MappingTraits<AllocCall> {
  static void mapping(IO &io, AllocCall &A) {
    io.mapRequired("name", A.name);
    io.mapOptional("gfp", A.gfp, -1);
  }
  static std::string validate(IO &, AllocCall &A) {
    if (A.gfp < -1)
      return "'gfp' must be an argument index (0-based) or -1";
    return {};
  }
};

template <> struct MappingTraits<QueueCall> {
  static void mapping(IO &io, QueueCall &Q) {
    io.mapRequired("name", Q.name);
    io.mapRequired("work", Q.work);
    io.mapOptional("wq", Q.wq, -1);
    io.mapOptional("system", Q.system);
  }
  static std::string validate(IO &, QueueCall &Q) {
    if (Q.work < 0 || Q.wq < -1)
      return "'work' and 'wq' must be argument indexes (0-based)";
    if (Q.wq >= 0 && !Q.system.empty())
      return "a queueing call names its workqueue either by 'wq' or by 'system', not both";
    return {};
  }
};

template <> struct MappingTraits<WqAllocCall> {
  static void mapping(IO &io, WqAllocCall &A) {
    io.mapRequired("name", A.name);
    io.mapRequired("flags", A.flags);
  }
  static std::string validate(IO &, WqAllocCall &A) {
    if (A.flags < 0)
      return "'flags' must be an argument index (0-based)";
    return {};
  }
};

template <> struct MappingTraits<Fact> {
  static void mapping(IO &io, Fact &F) {
    io.mapOptional("function", F.function);
    io.mapOptional("work", F.work);
    io.mapOptional("ops", F.ops);
    io.mapOptional("under", F.under);
    io.mapOptional("only", F.only);
    io.mapOptional("only-under", F.onlyUnder);
    io.mapRequired("reason", F.reason);
  }
  static std::string validate(IO &, Fact &F) {
    if (!F.function.empty() + !F.work.empty() + !F.ops.empty() != 1)
      return "a fact is about a 'function', a 'work' item or an 'ops' field";
    if (!F.ops.empty() && F.under.empty())
      return "an 'ops' fact names the functions it holds 'under'";
    if (!F.under.empty() && !F.onlyUnder.empty())
      return "a fact holds 'under' some functions or 'only-under' them, not both";
    if (F.ops.empty() && !F.only.empty())
      return "'only' lists the implementations an 'ops' fact keeps";
    if (F.reason.size() < 10)
      return "a fact needs a 'reason' a reader can check";
    return {};
  }
};

template <> struct MappingTraits<DeferredWorkDoc> {
  static void mapping(IO &io, DeferredWorkDoc &D) {
    io.mapOptional("bind-fields", D.bindFields);
    io.mapOptional("queue", D.queue);
  }
};

template <> struct MappingTraits<WorkqueuesDoc> {
  static void mapping(IO &io, WorkqueuesDoc &W) {
    io.mapOptional("alloc", W.alloc);
    io.mapOptional("reclaim-flags", W.reclaimFlags);
    io.mapOptional("system", W.system);
  }
};

template <> struct MappingTraits<FactsDoc> {
  static void mapping(IO &io, FactsDoc &F) {
    io.mapOptional("bounded-waits", F.boundedWaits);
    io.mapOptional("unawaited", F.unawaited);
    io.mapOptional("unreachable", F.unreachable);
    io.mapOptional("non-blocking", F.nonBlocking);
    io.mapOptional("absent-ops", F.absentOps);
  }
};

template <> struct MappingTraits<ContextEntry> {
  static void mapping(IO &io, ContextEntry &C) {
    io.mapOptional("ops", C.ops);
    io.mapOptional("field", C.field);
    io.mapOptional("function", C.function);
    io.mapOptional("arg", C.arg, -1);
  }
  static std::string validate(IO &, ContextEntry &C) {
    bool Field = !C.ops.empty() || !C.field.empty();
    bool Arg = !C.function.empty() || C.arg != -1;
    if (Field == Arg)
      return "a context is either {ops, field} or {function, arg}";
    if (Field && (C.ops.empty() || C.field.empty()))
      return "a context registered through a struct needs both 'ops' and 'field'";
    if (Arg && (C.function.empty() || C.arg < 0))
      return "a context registered through a call needs 'function' and a 0-based 'arg'";
    return {};
  }
};

template <> struct MappingTraits<SectionNames> {
  static void mapping(IO &io, SectionNames &S) {
    io.mapRequired("begin", S.begin);
    io.mapRequired("end", S.end);
  }
};

template <> struct MappingTraits<FencesDoc> {
  static void mapping(IO &io, FencesDoc &F) {
    io.mapOptional("wait", F.wait);
    io.mapOptional("signal", F.signal);
    io.mapOptional("passthrough", F.passthrough);
    io.mapOptional("signalling-section", F.section);
  }
};

template <> struct MappingTraits<SinksDoc> {
  static void mapping(IO &io, SinksDoc &S) {
    io.mapOptional("resv-attach", S.resvAttach);
    io.mapOptional("export", S.exports);
    io.mapOptional("dependency", S.dependency);
  }
};

template <> struct MappingTraits<LongRunningDoc> {
  static void mapping(IO &io, LongRunningDoc &L) {
    io.mapOptional("markers", L.markers);
    io.mapOptional("flag-bits", L.flagBits);
    io.mapOptional("bit-setters", L.bitSetters);
    io.mapOptional("annotations", L.annotations);
    io.mapOptional("predicates", L.predicates);
    io.mapOptional("returning", L.returning);
    io.mapOptional("types", L.types);
  }
};

template <> struct MappingTraits<ContextsDoc> {
  static void mapping(IO &io, ContextsDoc &C) {
    io.mapOptional("mm", C.mm);
    io.mapOptional("reclaim-regions", C.reclaimRegions);
    io.mapOptional("signalling-roots", C.signallingRoots);
    io.mapOptional("atomic-callbacks", C.atomicCallbacks);
    io.mapOptional("deferred-work", C.deferredWork);
    io.mapOptional("invoked-arguments", C.invokedArguments);
  }
};

template <> struct MappingTraits<AllocationsDoc> {
  static void mapping(IO &io, AllocationsDoc &A) {
    io.mapOptional("functions", A.functions);
    io.mapOptional("gfp-reclaim", A.gfpReclaim);
    io.mapOptional("gfp-no-reclaim", A.gfpNoReclaim);
    io.mapOptional("gfp-reclaim-bits", A.gfpReclaimBits);
  }
};

template <> struct MappingTraits<LockDoc> {
  static void mapping(IO &io, LockDoc &L) {
    io.mapOptional("class", L.lockClass);
    io.mapOptional("arg", L.arg, 0);
    io.mapRequired("acquire", L.acquire);
    io.mapOptional("trylock", L.trylock);
    io.mapOptional("release", L.release);
    io.mapOptional("sleeps", L.sleeps, true);
    io.mapOptional("mm", L.mm, false);
    io.mapOptional("resv", L.resv, false);
  }
  static std::string validate(IO &, LockDoc &L) {
    if (L.acquire.empty())
      return "a lock needs at least one 'acquire' function";
    if (L.arg < 0)
      return "'arg' must be a 0-based argument index";
    return {};
  }
};

template <> struct MappingTraits<RulesDoc> {
  static void mapping(IO &io, RulesDoc &R) {
    io.mapRequired("version", R.version);
    io.mapOptional("fences", R.fences);
    io.mapOptional("sinks", R.sinks);
    io.mapOptional("long-running", R.longRunning);
    io.mapOptional("contexts", R.contexts);
    io.mapOptional("allocations", R.allocations);
    io.mapOptional("sleeping", R.sleeping);
    io.mapOptional("locks", R.locks);
    io.mapOptional("workqueues", R.workqueues);
    io.mapOptional("facts", R.facts);
    io.mapOptional("export-macros", R.exportMacros);
  }
  static std::string validate(IO &, RulesDoc &R) {
    if (R.version != 1)
      return "unsupported rules 'version' (this fencedep reads version 1)";
    return {};
  }
};

} // namespace llvm::yaml

namespace {

void appendNames(std::vector<std::string> &To, const std::vector<Name> &From) {
  for (const Name &N : From)
    To.push_back(N.value);
}

template <typename T> void append(std::vector<T> &To, const std::vector<T> &From) {
  To.insert(To.end(), From.begin(), From.end());
}

void merge(const RulesDoc &D, RuleSet &R) {
  append(R.waits, D.fences.wait);
  append(R.signals, D.fences.signal);
  append(R.passthrough, D.fences.passthrough);
  appendNames(R.beginSignalling, D.fences.section.begin);
  appendNames(R.endSignalling, D.fences.section.end);
  append(R.resvAttach, D.sinks.resvAttach);
  append(R.exports, D.sinks.exports);
  append(R.dependencies, D.sinks.dependency);
  append(R.lrMarkers, D.longRunning.markers);
  appendNames(R.lrFlagBits, D.longRunning.flagBits);
  appendNames(R.bitSetters, D.longRunning.bitSetters);
  appendNames(R.lrAnnotations, D.longRunning.annotations);
  appendNames(R.lrPredicates, D.longRunning.predicates);
  appendNames(R.lrReturning, D.longRunning.returning);
  appendNames(R.lrTypes, D.longRunning.types);
  appendNames(R.workBindFields, D.contexts.deferredWork.bindFields);
  append(R.queues, D.contexts.deferredWork.queue);
  append(R.invokes, D.contexts.invokedArguments);
  append(R.wqAllocs, D.workqueues.alloc);
  appendNames(R.wqReclaimFlags, D.workqueues.reclaimFlags);
  appendNames(R.systemWqs, D.workqueues.system);
  append(R.boundedWaits, D.facts.boundedWaits);
  append(R.unawaited, D.facts.unawaited);
  append(R.unreachable, D.facts.unreachable);
  appendNames(R.exportMacros, D.exportMacros);
  append(R.nonBlocking, D.facts.nonBlocking);
  append(R.absentOps, D.facts.absentOps);
  append(R.mmContexts, D.contexts.mm);
  append(R.signallingRoots, D.contexts.signallingRoots);
  append(R.atomicCallbacks, D.contexts.atomicCallbacks);
  appendNames(R.reclaimBegin, D.contexts.reclaimRegions.begin);
  appendNames(R.reclaimEnd, D.contexts.reclaimRegions.end);
  append(R.allocs, D.allocations.functions);
  appendNames(R.gfpReclaim, D.allocations.gfpReclaim);
  appendNames(R.gfpNoReclaim, D.allocations.gfpNoReclaim);
  appendNames(R.gfpReclaimBits, D.allocations.gfpReclaimBits);
  appendNames(R.sleeping, D.sleeping);
  for (const LockDoc &L : D.locks) {
    LockFamily F;
    F.lockClass = L.lockClass;
    F.arg = L.arg;
    appendNames(F.acquire, L.acquire);
    appendNames(F.trylock, L.trylock);
    appendNames(F.release, L.release);
    F.sleeps = L.sleeps;
    F.mm = L.mm;
    F.resv = L.resv;
    R.locks.push_back(std::move(F));
  }
}

// Collects the first diagnostic YAML I/O reports, already carrying
// "FILE:LINE:COL: error: MESSAGE" from the buffer's name.
void captureDiag(const llvm::SMDiagnostic &D, void *Ctx) {
  auto *Out = static_cast<std::string *>(Ctx);
  if (!Out->empty())
    return;
  llvm::raw_string_ostream OS(*Out);
  OS << D.getFilename() << ":" << D.getLineNo() << ":" << (D.getColumnNo() + 1)
     << ": error: " << D.getMessage();
}

} // namespace

namespace fencedep::analyzer {

bool loadRuleText(const std::string &text, const std::string &name, RuleSet &rules,
                  std::string &error) {
  // YAML I/O has no document to report on in a file of blanks and comments.
  bool Blank = true;
  for (llvm::StringRef Line : llvm::split(text, '\n')) {
    Line = Line.ltrim();
    if (!Line.empty() && !Line.startswith("#"))
      Blank = false;
  }
  if (Blank) {
    error = name + ":1:1: error: empty rules file (expected a mapping with 'version: 1')";
    return false;
  }
  auto Buf = llvm::MemoryBuffer::getMemBuffer(text, name, /*RequiresNullTerminator=*/false);
  std::string Diag;
  RulesDoc Doc;
  llvm::yaml::Input In(Buf->getMemBufferRef(), nullptr, captureDiag, &Diag);
  In >> Doc;
  if (In.error()) {
    error = Diag.empty() ? name + ": error: cannot read rules" : Diag;
    return false;
  }
  if (Doc.version == 0) {
    error = name + ":1:1: error: empty rules file (expected a mapping with 'version: 1')";
    return false;
  }
  merge(Doc, rules);
  rules.files.push_back(name);
  rules.reindex();
  return true;
}

bool loadRuleFile(const std::string &path, RuleSet &rules, std::string &error) {
  auto Buf = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!Buf) {
    error = path + ": error: cannot read rules file: " + Buf.getError().message();
    return false;
  }
  return loadRuleText((*Buf)->getBuffer().str(), path, rules, error);
}

} // namespace fencedep::analyzer
