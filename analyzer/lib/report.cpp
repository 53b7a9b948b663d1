#include "fencedep/analyzer/report.h"

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <memory>

namespace fencedep::analyzer {

namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

// Source lines for the text format, read once per file.
class SourceLines {
public:
  std::string line(const std::string &File, unsigned Line) {
    auto &Buf = files_[File];
    if (!Buf) {
      auto B = llvm::MemoryBuffer::getFile(File, /*IsText=*/true);
      if (!B)
        return {};
      Buf = std::move(*B);
    }
    llvm::StringRef Text = Buf->getBuffer();
    for (unsigned I = 1; I < Line && !Text.empty(); ++I)
      Text = Text.split('\n').second;
    return Text.split('\n').first.rtrim("\r").str();
  }

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> files_;
};

void printDiag(llvm::raw_ostream &OS, SourceLines &Src, bool WithSource, const Loc &L,
               const char *Level, const std::string &Message, const char *Check) {
  OS << L.file << ":" << L.line << ":" << L.col << ": " << Level << ": " << Message;
  if (Check)
    OS << " [" << Check << "]";
  OS << "\n";
  if (!WithSource)
    return;
  std::string Line = Src.line(L.file, L.line);
  if (Line.empty())
    return;
  OS << Line << "\n";
  std::string Caret;
  for (unsigned I = 1; I < L.col && I <= Line.size(); ++I)
    Caret += Line[I - 1] == '\t' ? '\t' : ' ';
  OS << Caret << "^\n";
}

Value jsonLoc(const Loc &L) {
  return Object{{"file", L.file}, {"line", L.line}, {"column", L.col}};
}

std::string relative(const std::string &File, const std::string &Root, bool &Under) {
  Under = false;
  if (Root.empty())
    return File;
  llvm::StringRef F(File);
  std::string R = Root;
  if (!R.empty() && R.back() != '/')
    R += '/';
  if (!F.startswith(R))
    return File;
  Under = true;
  return F.drop_front(R.size()).str();
}

Value sarifLocation(const Loc &L, const std::string &Root, const std::string *Message) {
  bool Under = false;
  std::string Uri = relative(L.file, Root, Under);
  Object Artifact{{"uri", Under ? Uri : "file://" + Uri}};
  if (Under)
    Artifact["uriBaseId"] = "SRCROOT";
  Object Physical{{"artifactLocation", std::move(Artifact)},
                  {"region", Object{{"startLine", L.line}, {"startColumn", L.col}}}};
  Object Location{{"physicalLocation", std::move(Physical)}};
  if (Message)
    Location["message"] = Object{{"text", *Message}};
  return Location;
}

} // namespace

std::string formatText(const ReportInput &in, bool withSource) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  SourceLines Src;
  for (const Finding &F : in.findings) {
    printDiag(OS, Src, withSource, F.loc, "warning", F.message, checkName(F.check));
    for (const Note &N : F.notes)
      printDiag(OS, Src, withSource, N.loc, "note", N.message, nullptr);
  }
  return Out;
}

std::string formatJson(const ReportInput &in) {
  Array Findings;
  for (const Finding &F : in.findings) {
    Array Notes;
    for (const Note &N : F.notes)
      Notes.push_back(Object{{"location", jsonLoc(N.loc)}, {"message", N.message},
                             {"onPath", N.onPath}});
    Findings.push_back(Object{{"check", checkName(F.check)},
                              {"message", F.message},
                              {"location", jsonLoc(F.loc)},
                              {"notes", std::move(Notes)}});
  }
  Array Errors;
  for (const std::string &E : in.errors)
    Errors.push_back(E);
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::formatv("{0:2}",
                      Value(Object{{"version", 1},
                                   {"findings", std::move(Findings)},
                                   {"errors", std::move(Errors)},
                                   {"translationUnits", in.tus},
                                   {"failedTranslationUnits", in.failedTus}}))
     << "\n";
  return Out;
}

std::string formatSarif(const ReportInput &in) {
  Array Rules;
  for (unsigned I = 0; I < kNumChecks; ++I) {
    auto Id = static_cast<CheckId>(I);
    std::string Name = checkName(Id);
    Rules.push_back(Object{
        {"id", Name},
        {"name", Name},
        {"shortDescription", Object{{"text", checkSummary(Id)}}},
        {"help", Object{{"text", "See docs/checks/" + Name + ".md in the fencedep sources."}}},
        {"defaultConfiguration", Object{{"level", "warning"}}}});
  }
  Array Results;
  for (const Finding &F : in.findings) {
    Array Related, Flow;
    unsigned Id = 0;
    for (const Note &N : F.notes) {
      Object R = *sarifLocation(N.loc, in.root, &N.message).getAsObject();
      R["id"] = Id++;
      Related.push_back(std::move(R));
      if (N.onPath)
        Flow.push_back(Object{{"location", sarifLocation(N.loc, in.root, &N.message)},
                              {"nestingLevel", N.depth}});
    }
    unsigned Depth = 0;
    for (const Note &N : F.notes)
      if (N.onPath)
        Depth = std::max(Depth, N.depth + 1);
    Flow.push_back(Object{{"location", sarifLocation(F.loc, in.root, &F.message)},
                          {"nestingLevel", Depth}});
    Object Result{{"ruleId", checkName(F.check)},
                  {"ruleIndex", static_cast<unsigned>(F.check)},
                  {"level", "warning"},
                  {"message", Object{{"text", F.message}}},
                  {"locations", Array{sarifLocation(F.loc, in.root, nullptr)}}};
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    Result["codeFlows"] = Array{Object{{"threadFlows", Array{Object{{"locations", std::move(Flow)}}}}}};
    Results.push_back(std::move(Result));
  }
  Array Notifications;
  for (const std::string &E : in.errors)
    Notifications.push_back(Object{{"level", "error"}, {"message", Object{{"text", E}}}});
  Object Invocation{{"executionSuccessful", in.errors.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);
  Object Run{{"tool", Object{{"driver", Object{{"name", "fencedep"},
                                               {"version", in.toolVersion},
                                               {"rules", std::move(Rules)}}}}},
             {"invocations", Array{std::move(Invocation)}},
             {"results", std::move(Results)}};
  if (!in.root.empty()) {
    std::string Root = in.root;
    if (Root.back() != '/')
      Root += '/';
    Run["originalUriBaseIds"] = Object{{"SRCROOT", Object{{"uri", "file://" + Root}}}};
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << llvm::formatv(
            "{0:2}",
            Value(Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                         {"version", "2.1.0"},
                         {"runs", Array{std::move(Run)}}}))
     << "\n";
  return Out;
}

} // namespace fencedep::analyzer
