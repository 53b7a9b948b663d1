// Summaries to and from JSON (llvm::json). Fields at their default value are
// left out, so the files of a large tree stay small; readers treat a
// missing field as its default.
#include "fencedep/analyzer/summary.h"

#include <llvm/Support/JSON.h>
#include <llvm/Support/raw_ostream.h>

#include <tuple>

namespace fencedep::analyzer {

bool operator<(const Loc &A, const Loc &B) {
  return std::tie(A.file, A.line, A.col) < std::tie(B.file, B.line, B.col);
}
bool operator==(const Loc &A, const Loc &B) {
  return A.file == B.file && A.line == B.line && A.col == B.col;
}

namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

constexpr int kFormatVersion = 1;

Value toJson(const Loc &L) { return Array{L.file, L.line, L.col}; }

Value toJson(const FenceVal &F) {
  Object O{{"k", static_cast<int>(F.kind)}};
  if (F.param >= 0)
    O["p"] = F.param;
  if (!F.callee.empty())
    O["callee"] = F.callee;
  if (F.origin.valid())
    O["origin"] = toJson(F.origin);
  if (!F.why.empty())
    O["why"] = F.why;
  return O;
}

Value toJson(const GfpVal &G) {
  Object O{{"k", static_cast<int>(G.kind)}};
  if (G.param >= 0)
    O["p"] = G.param;
  if (!G.spelling.empty())
    O["s"] = G.spelling;
  return O;
}

Value toJson(const LockRef &L) {
  Object O;
  if (!L.cls.empty())
    O["cls"] = L.cls;
  if (L.param >= 0)
    O["p"] = L.param;
  return O;
}

Value toJson(const Context &C) {
  Object O;
  if (!C.held.empty()) {
    Array H;
    for (const Held &X : C.held)
      H.push_back(Object{{"lock", toJson(X.lock)}, {"at", toJson(X.at)}, {"mm", X.mm},
                         {"resv", X.resv}});
    O["held"] = std::move(H);
  }
  if (C.inSection) {
    O["sec"] = true;
    O["secAt"] = toJson(C.sectionBegin);
  }
  if (C.inReclaim) {
    O["rec"] = true;
    O["recAt"] = toJson(C.reclaimBegin);
  }
  if (C.afterSignal)
    O["signalled"] = true;
  if (C.afterEnd) {
    O["after"] = true;
    O["endAt"] = toJson(C.sectionEnd);
  }
  if (C.lrGuard != Tri::Unknown) {
    O["guard"] = static_cast<int>(C.lrGuard);
    O["guardAt"] = toJson(C.guardLoc);
    O["guardText"] = C.guardText;
  }
  return O;
}

Value toJson(const Effect &E) {
  Object O{{"kind", static_cast<int>(E.kind)}, {"api", E.api}, {"loc", toJson(E.loc)}};
  Value Ctx = toJson(E.ctx);
  if (!Ctx.getAsObject()->empty())
    O["ctx"] = std::move(Ctx);
  if (E.fence.kind != FenceVal::Unknown)
    O["fence"] = toJson(E.fence);
  if (E.gfp.kind != GfpVal::Unknown)
    O["gfp"] = toJson(E.gfp);
  if (E.lock.known() || E.lock.param >= 0)
    O["lock"] = toJson(E.lock);
  if (E.trylock)
    O["try"] = true;
  if (E.sleeps)
    O["sleeps"] = true;
  if (E.mm)
    O["mm"] = true;
  if (E.resv)
    O["resv"] = true;
  if (!E.work.empty())
    O["work"] = E.work;
  if (E.systemWq)
    O["systemWq"] = true;
  return O;
}

Value toJson(const CallSite &C) {
  Object O{{"callee", C.callee}, {"name", C.calleeName}, {"loc", toJson(C.loc)}};
  Value Ctx = toJson(C.ctx);
  if (!Ctx.getAsObject()->empty())
    O["ctx"] = std::move(Ctx);
  // Arguments matter only when something is known of them.
  Array Args;
  bool Any = false;
  for (const ArgVal &A : C.args) {
    Object AO;
    if (A.fence.kind != FenceVal::Unknown)
      AO["fence"] = toJson(A.fence);
    if (A.gfp.kind != GfpVal::Unknown)
      AO["gfp"] = toJson(A.gfp);
    if (A.lock.known() || A.lock.param >= 0)
      AO["lock"] = toJson(A.lock);
    Any |= !AO.empty();
    Args.push_back(std::move(AO));
  }
  if (Any)
    O["args"] = std::move(Args);
  return O;
}

Value toJson(const FunctionSummary &F) {
  Array Effects, Calls, Issues;
  for (const Effect &E : F.effects)
    Effects.push_back(toJson(E));
  for (const CallSite &C : F.calls)
    Calls.push_back(toJson(C));
  for (const SectionIssue &I : F.sectionIssues)
    Issues.push_back(Object{{"kind", static_cast<int>(I.kind)},
                            {"api", I.api},
                            {"loc", toJson(I.loc)},
                            {"other", toJson(I.other)}});
  Object O{{"key", F.key}, {"name", F.name}, {"loc", toJson(F.loc)}};
  if (!Effects.empty())
    O["effects"] = std::move(Effects);
  if (!Calls.empty())
    O["calls"] = std::move(Calls);
  if (F.returns.kind != FenceVal::Unknown)
    O["returns"] = toJson(F.returns);
  if (!Issues.empty())
    O["sectionIssues"] = std::move(Issues);
  if (F.header)
    O["header"] = true;
  if (!F.lrFields.empty()) {
    Array Lr;
    for (const LrField &L : F.lrFields)
      Lr.push_back(Object{{"field", L.field}, {"val", toJson(L.val)}});
    O["lrFields"] = std::move(Lr);
  }
  return O;
}

Value toJson(const TuSummary &T) {
  Array Fns, Roles, Fields, Errors;
  for (const FunctionSummary &F : T.functions)
    Fns.push_back(toJson(F));
  for (const Role &R : T.roles)
    Roles.push_back(Object{{"kind", static_cast<int>(R.kind)},
                           {"function", R.function},
                           {"name", R.name},
                           {"via", R.via},
                           {"loc", toJson(R.loc)}});
  for (const FieldTarget &FT : T.fieldTargets)
    Fields.push_back(Array{FT.field, FT.function, toJson(FT.at)});
  Array Wqs;
  for (const WqSource &W : T.workqueues) {
    Object O{{"kind", static_cast<int>(W.kind)}, {"wq", W.wq}};
    if (W.at.valid())
      O["at"] = toJson(W.at);
    if (W.kind == WqSource::Alloc)
      O["alloc"] = Object{{"api", W.api}, {"flags", W.flags}, {"reclaim", W.reclaim},
                          {"known", W.known}};
    if (!W.other.empty())
      O["other"] = W.other;
    if (!W.function.empty()) {
      O["function"] = W.function;
      O["param"] = W.param;
    }
    Wqs.push_back(std::move(O));
  }
  for (const std::string &E : T.errors)
    Errors.push_back(E);
  Array Exports;
  for (const std::string &X : T.exports)
    Exports.push_back(X);
  return Object{{"file", T.file},
                {"module", T.module},
                {"functions", std::move(Fns)},
                {"roles", std::move(Roles)},
                {"fieldTargets", std::move(Fields)},
                {"workqueues", std::move(Wqs)},
                {"exports", std::move(Exports)},
                {"errors", std::move(Errors)}};
}

// Reading: a small cursor that remembers the first problem and its path.
struct Reader {
  std::string error;

  bool fail(const llvm::Twine &What) {
    if (error.empty())
      error = What.str();
    return false;
  }

  const Object *obj(const Value *V, const char *What) {
    if (!V)
      return nullptr;
    const Object *O = V->getAsObject();
    if (!O)
      fail(llvm::Twine("expected an object for ") + What);
    return O;
  }

  std::string str(const Object &O, const char *Key) {
    if (auto S = O.getString(Key))
      return S->str();
    return {};
  }
  int64_t num(const Object &O, const char *Key, int64_t Default) {
    if (auto N = O.getInteger(Key))
      return *N;
    return Default;
  }
  bool flag(const Object &O, const char *Key) { return O.getBoolean(Key).value_or(false); }

  Loc loc(const Value *V) {
    Loc L;
    const Array *A = V ? V->getAsArray() : nullptr;
    if (!A)
      return L;
    if (A->size() != 3) {
      fail("a location is [file, line, column]");
      return L;
    }
    L.file = (*A)[0].getAsString().value_or("").str();
    L.line = static_cast<unsigned>((*A)[1].getAsInteger().value_or(0));
    L.col = static_cast<unsigned>((*A)[2].getAsInteger().value_or(0));
    return L;
  }

  FenceVal fence(const Value *V) {
    FenceVal F;
    const Object *O = obj(V, "a fence value");
    if (!O)
      return F;
    int64_t K = num(*O, "k", 0);
    if (K < 0 || K > FenceVal::Field) {
      fail("unknown fence value kind");
      return F;
    }
    F.kind = static_cast<FenceVal::Kind>(K);
    F.param = static_cast<int>(num(*O, "p", -1));
    F.callee = str(*O, "callee");
    F.origin = loc(O->get("origin"));
    F.why = str(*O, "why");
    return F;
  }

  GfpVal gfp(const Value *V) {
    GfpVal G;
    const Object *O = obj(V, "a gfp value");
    if (!O)
      return G;
    int64_t K = num(*O, "k", 0);
    if (K < 0 || K > GfpVal::Param) {
      fail("unknown gfp value kind");
      return G;
    }
    G.kind = static_cast<GfpVal::Kind>(K);
    G.param = static_cast<int>(num(*O, "p", -1));
    G.spelling = str(*O, "s");
    return G;
  }

  LockRef lock(const Value *V) {
    LockRef L;
    const Object *O = obj(V, "a lock");
    if (!O)
      return L;
    L.cls = str(*O, "cls");
    L.param = static_cast<int>(num(*O, "p", -1));
    return L;
  }

  Context context(const Value *V) {
    Context C;
    const Object *O = obj(V, "a context");
    if (!O)
      return C;
    if (const Array *H = O->getArray("held"))
      for (const Value &X : *H)
        if (const Object *HO = obj(&X, "a held lock")) {
          Held Hd;
          Hd.lock = lock(HO->get("lock"));
          Hd.at = loc(HO->get("at"));
          Hd.mm = flag(*HO, "mm");
          Hd.resv = flag(*HO, "resv");
          C.held.push_back(std::move(Hd));
        }
    C.inSection = flag(*O, "sec");
    C.sectionBegin = loc(O->get("secAt"));
    C.inReclaim = flag(*O, "rec");
    C.reclaimBegin = loc(O->get("recAt"));
    C.afterEnd = flag(*O, "after");
    C.afterSignal = flag(*O, "signalled");
    C.sectionEnd = loc(O->get("endAt"));
    int64_t G = num(*O, "guard", 0);
    C.lrGuard = G == 1 ? Tri::False : G == 2 ? Tri::True : Tri::Unknown;
    C.guardLoc = loc(O->get("guardAt"));
    C.guardText = str(*O, "guardText");
    return C;
  }

  bool function(const Object &O, FunctionSummary &F) {
    F.key = str(O, "key");
    F.name = str(O, "name");
    F.loc = loc(O.get("loc"));
    if (F.key.empty())
      return fail("a function without a key");
    if (const Array *Es = O.getArray("effects"))
      for (const Value &V : *Es) {
        const Object *EO = obj(&V, "an effect");
        if (!EO)
          return false;
        Effect E;
        int64_t K = num(*EO, "kind", 0);
        if (K < 0 || K > static_cast<int>(EffectKind::Queue))
          return fail("unknown effect kind");
        E.kind = static_cast<EffectKind>(K);
        E.api = str(*EO, "api");
        E.loc = loc(EO->get("loc"));
        E.ctx = context(EO->get("ctx"));
        E.fence = fence(EO->get("fence"));
        E.gfp = gfp(EO->get("gfp"));
        E.lock = lock(EO->get("lock"));
        E.trylock = flag(*EO, "try");
        E.sleeps = flag(*EO, "sleeps");
        E.mm = flag(*EO, "mm");
        E.resv = flag(*EO, "resv");
        E.work = str(*EO, "work");
        E.systemWq = flag(*EO, "systemWq");
        F.effects.push_back(std::move(E));
      }
    if (const Array *Cs = O.getArray("calls"))
      for (const Value &V : *Cs) {
        const Object *CO = obj(&V, "a call");
        if (!CO)
          return false;
        CallSite C;
        C.callee = str(*CO, "callee");
        C.calleeName = str(*CO, "name");
        C.loc = loc(CO->get("loc"));
        C.ctx = context(CO->get("ctx"));
        if (const Array *As = CO->getArray("args"))
          for (const Value &AV : *As) {
            ArgVal A;
            if (const Object *AO = obj(&AV, "an argument")) {
              A.fence = fence(AO->get("fence"));
              A.gfp = gfp(AO->get("gfp"));
              A.lock = lock(AO->get("lock"));
            }
            C.args.push_back(std::move(A));
          }
        F.calls.push_back(std::move(C));
      }
    F.returns = fence(O.get("returns"));
    F.header = flag(O, "header");
    if (const Array *Lr = O.getArray("lrFields"))
      for (const Value &V : *Lr)
        if (const Object *LO = obj(&V, "a long-running field"))
          F.lrFields.push_back({str(*LO, "field"), fence(LO->get("val"))});
    if (const Array *Is = O.getArray("sectionIssues"))
      for (const Value &V : *Is)
        if (const Object *IO = obj(&V, "a section issue")) {
          SectionIssue I;
          int64_t K = num(*IO, "kind", 0);
          if (K < 0 || K > static_cast<int>(SectionIssueKind::BogusCookie))
            return fail("unknown section issue kind");
          I.kind = static_cast<SectionIssueKind>(K);
          I.api = str(*IO, "api");
          I.loc = loc(IO->get("loc"));
          I.other = loc(IO->get("other"));
          F.sectionIssues.push_back(std::move(I));
        }
    return error.empty();
  }

  bool tu(const Object &O, TuSummary &T) {
    T.file = str(O, "file");
    T.module = str(O, "module");
    if (const Array *Fs = O.getArray("functions"))
      for (const Value &V : *Fs) {
        const Object *FO = obj(&V, "a function");
        FunctionSummary F;
        if (!FO || !function(*FO, F))
          return fail("bad function summary in " + T.file);
        T.functions.push_back(std::move(F));
      }
    if (const Array *Rs = O.getArray("roles"))
      for (const Value &V : *Rs)
        if (const Object *RO = obj(&V, "a role")) {
          Role R;
          int64_t K = num(*RO, "kind", 0);
          if (K < 0 || K > static_cast<int>(RoleKind::MmContext))
            return fail("unknown role kind");
          R.kind = static_cast<RoleKind>(K);
          R.function = str(*RO, "function");
          R.name = str(*RO, "name");
          R.via = str(*RO, "via");
          R.loc = loc(RO->get("loc"));
          T.roles.push_back(std::move(R));
        }
    if (const Array *FTs = O.getArray("fieldTargets"))
      for (const Value &V : *FTs) {
        const Array *P = V.getAsArray();
        if (!P || P->size() < 2)
          return fail("a field target is [field, function, location]");
        T.fieldTargets.push_back({(*P)[0].getAsString().value_or("").str(),
                                  (*P)[1].getAsString().value_or("").str(),
                                  P->size() > 2 ? loc(&(*P)[2]) : Loc{}});
      }
    if (const Array *Ws = O.getArray("workqueues"))
      for (const Value &V : *Ws)
        if (const Object *WO = obj(&V, "a workqueue")) {
          WqSource W;
          int64_t K = num(*WO, "kind", 0);
          if (K < 0 || K > WqSource::System)
            return fail("unknown workqueue source kind");
          W.kind = static_cast<WqSource::Kind>(K);
          W.wq = str(*WO, "wq");
          W.at = loc(WO->get("at"));
          if (const Object *A = WO->getObject("alloc")) {
            W.api = str(*A, "api");
            W.flags = str(*A, "flags");
            W.reclaim = flag(*A, "reclaim");
            W.known = flag(*A, "known");
          }
          W.other = str(*WO, "other");
          W.function = str(*WO, "function");
          W.param = static_cast<int>(num(*WO, "param", -1));
          T.workqueues.push_back(std::move(W));
        }
    if (const Array *Xs = O.getArray("exports"))
      for (const Value &V : *Xs)
        T.exports.push_back(V.getAsString().value_or("").str());
    if (const Array *Es = O.getArray("errors"))
      for (const Value &V : *Es)
        T.errors.push_back(V.getAsString().value_or("").str());
    return error.empty();
  }
};

} // namespace

// One TU per line between a fixed first and last line: written one TU at a
// time, and read one TU at a time, so neither side holds the JSON tree of a
// whole kernel tree (hundreds of MB of summaries) in memory. The file is
// still one JSON document.
static constexpr const char *kHeadLine = "{\"fencedep-summaries\":1,\"tus\":[";
static constexpr const char *kTailLine = "]}";

std::string writeSummariesJson(const std::vector<TuSummary> &tus) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << kHeadLine << "\n";
  for (size_t I = 0; I < tus.size(); ++I) {
    OS << Value(toJson(tus[I]));
    OS << (I + 1 < tus.size() ? ",\n" : "\n");
  }
  OS << kTailLine << "\n";
  return Out;
}

bool readSummariesJson(const std::string &text, const std::string &name,
                       std::vector<TuSummary> &out, std::string &error) {
  llvm::StringRef Rest(text);
  if (Rest.consume_front(kHeadLine) && Rest.consume_front("\n")) {
    Reader R;
    unsigned Line = 1;
    while (!Rest.empty()) {
      auto [Cur, Next] = Rest.split('\n');
      Rest = Next;
      ++Line;
      if (Cur == kTailLine)
        return true;
      Cur.consume_back(",");
      llvm::Expected<Value> Parsed = llvm::json::parse(Cur);
      if (!Parsed) {
        error = name + ":" + std::to_string(Line) +
                ": error: not JSON: " + llvm::toString(Parsed.takeError());
        return false;
      }
      const Object *TO = Parsed->getAsObject();
      TuSummary T;
      if (!TO || !R.tu(*TO, T)) {
        error = name + ":" + std::to_string(Line) + ": error: " +
                (R.error.empty() ? "bad translation unit" : R.error);
        return false;
      }
      out.push_back(std::move(T));
    }
    error = name + ": error: summary file cut short (no closing line)";
    return false;
  }
  llvm::Expected<Value> Parsed = llvm::json::parse(text);
  if (!Parsed) {
    error = name + ": error: not JSON: " + llvm::toString(Parsed.takeError());
    return false;
  }
  const Object *Top = Parsed->getAsObject();
  if (!Top || Top->getInteger("fencedep-summaries") != kFormatVersion) {
    error = name + ": error: not a fencedep summary file (version " +
            std::to_string(kFormatVersion) + ")";
    return false;
  }
  Reader R;
  if (const Array *Tus = Top->getArray("tus"))
    for (const Value &V : *Tus) {
      const Object *TO = V.getAsObject();
      TuSummary T;
      if (!TO || !R.tu(*TO, T)) {
        error = name + ": error: " + (R.error.empty() ? "bad translation unit" : R.error);
        return false;
      }
      out.push_back(std::move(T));
    }
  return true;
}

} // namespace fencedep::analyzer
