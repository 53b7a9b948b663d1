#include "FenceCheck.h"

#include <clang/AST/ASTContext.h>
#include <clang/ASTMatchers/ASTMatchers.h>
#include <llvm/ADT/StringExtras.h>

#include <map>

using namespace clang;
using namespace clang::ast_matchers;
using fencedep::analyzer::ApiInfo;

namespace fencedep::tidy {

namespace {

struct LoadedRules {
  std::shared_ptr<const analyzer::RuleSet> rules;
  std::string error;
  bool reported = false;
};

// Rule files are read once per process and option value, not once per
// check and TU.
LoadedRules &loadRulesCached(const std::string &Files, bool UseDefault) {
  static std::map<std::pair<std::string, bool>, LoadedRules> Cache;
  auto Key = std::make_pair(Files, UseDefault);
  auto It = Cache.find(Key);
  if (It != Cache.end())
    return It->second;
  LoadedRules &L = Cache[Key];
  llvm::SmallVector<StringRef, 4> Parts;
  StringRef(Files).split(Parts, ';', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Extra;
  for (StringRef P : Parts)
    Extra.push_back(P.trim().str());
  auto Set = std::make_shared<analyzer::RuleSet>();
  if (analyzer::loadRules(Extra, !UseDefault, *Set, L.error))
    L.rules = std::move(Set);
  return L;
}

std::string escapeDiag(StringRef S) {
  std::string Out;
  for (char C : S) {
    if (C == '%')
      Out += '%';
    Out += C;
  }
  return Out;
}

} // namespace

FenceCheck::FenceCheck(StringRef Name, clang::tidy::ClangTidyContext *Context, analyzer::CheckId CheckId)
    : ClangTidyCheck(Name, Context), Id(CheckId),
      RulesFiles(Options.getLocalOrGlobal("RulesFiles", "").str()),
      UseDefaultRules(Options.getLocalOrGlobal("UseDefaultRules", true)) {
  LoadedRules &L = loadRulesCached(RulesFiles, UseDefaultRules);
  Rules = L.rules;
  if (!Rules && !L.reported) {
    L.reported = true;
    configurationDiag("fencedep rules: %0", DiagnosticIDs::Error) << L.error;
  }
}

void FenceCheck::storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "RulesFiles", RulesFiles);
  Options.store(Opts, "UseDefaultRules", UseDefaultRules);
}

void FenceCheck::onStartOfTranslationUnit() {
  Analysis.reset();
  Emitted.clear();
}

internal::Matcher<NamedDecl> FenceCheck::vocabulary(bool (*Pred)(const ApiInfo &)) const {
  std::vector<std::string> Names = Rules->namesWhere(Pred);
  std::vector<StringRef> Refs(Names.begin(), Names.end());
  return hasAnyName(Refs);
}

void FenceCheck::emit(const analyzer::Finding &F) {
  if (!Emitted.insert(&F).second)
    return;
  diag(SourceLocation::getFromRawEncoding(F.loc.raw), escapeDiag(F.message));
  for (const analyzer::Note &N : F.notes)
    diag(SourceLocation::getFromRawEncoding(N.loc.raw), escapeDiag(N.message),
         DiagnosticIDs::Note);
}

void FenceCheck::reportFindingsAt(const CallExpr &Call, ASTContext &Ctx) {
  if (!Analysis)
    Analysis = TuAnalysis::get(Ctx, Rules);
  for (const analyzer::Finding *F : Analysis->at(Id, Call.getBeginLoc().getRawEncoding()))
    emit(*F);
}

void FenceCheck::onEndOfTranslationUnit() {
  // Every finding sits on a vocabulary call the matcher selects; should one
  // ever not, it is still reported rather than silently dropped.
  if (Analysis)
    for (const analyzer::Finding *F : Analysis->all(Id))
      emit(*F);
  Analysis.reset();
}

bool isWait(const ApiInfo &I) { return I.isWait(); }
bool isAlloc(const ApiInfo &I) { return I.isAlloc(); }
bool isLockAcquire(const ApiInfo &I) {
  return I.lockOp == ApiInfo::LockOp::Acquire || I.lockOp == ApiInfo::LockOp::Trylock;
}
bool isResvAttach(const ApiInfo &I) { return I.attach != ApiInfo::kNo; }
bool isExport(const ApiInfo &I) { return I.exportSink != ApiInfo::kNo; }
bool isDependency(const ApiInfo &I) { return I.dependency != ApiInfo::kNo; }
bool isSectionBoundary(const ApiInfo &I) { return I.beginSignalling || I.endSignalling; }
bool isWorkqueueCall(const ApiInfo &I) { return I.wqAlloc >= 0 || I.queue >= 0; }
bool isSleeping(const ApiInfo &I) {
  return I.sleeps || I.isWait() || I.isAlloc() || I.lockOp == ApiInfo::LockOp::Acquire;
}

} // namespace fencedep::tidy
