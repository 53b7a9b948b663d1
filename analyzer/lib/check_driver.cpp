// The driver behind `fencedep check`: reads a compilation database, builds
// the summary of every selected TU on a pool of threads (one ClangTool per
// TU, as clang's own all-TUs executor does), then merges, analyses and
// reports — or, for a shard, only writes the summaries.
#include "fencedep/analyzer/check_driver.h"

#include "fencedep/analyzer/engine.h"
#include "fencedep/analyzer/report.h"
#include "fencedep/analyzer/rules.h"
#include "fencedep/analyzer/summarizer.h"
#include "fencedep/analyzer/summary.h"

#include "compile_commands.h"
#include "kbuild_modules.h"

#include <clang/AST/ASTConsumer.h>
#include <clang/AST/ASTContext.h>
#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/FileManager.h>
#include <clang/Basic/SourceManager.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Tooling/CompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/raw_ostream.h>

#include <unistd.h>

#include <atomic>
#include <functional>
#include <unordered_set>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>

#ifndef FENCEDEP_CLANG_RESOURCE_DIR
#define FENCEDEP_CLANG_RESOURCE_DIR ""
#endif

namespace fencedep::analyzer {

namespace {

// Compiler errors of one TU, formatted like clang prints them.
class ErrorCollector : public clang::DiagnosticConsumer {
public:
  std::vector<std::string> errors;

  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < clang::DiagnosticsEngine::Error)
      return;
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    std::string Where;
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      clang::PresumedLoc P = Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid()) {
        // Absolute, as the findings are: the command's directory is not ours.
        llvm::SmallString<256> Path(P.getFilename());
        Info.getSourceManager().getFileManager().makeAbsolutePath(Path);
        llvm::sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
        Where = Path.str().str() + ":" + std::to_string(P.getLine()) + ":" +
                std::to_string(P.getColumn()) + ": ";
      }
    }
    errors.push_back(Where + "error: " + Message.str().str());
  }
};

using ClaimFn = std::function<bool(const std::string &)>;

class SummaryConsumer : public clang::ASTConsumer {
public:
  SummaryConsumer(const RuleSet &R, std::vector<TuSummary> &O, ClaimFn C)
      : rules(R), out(O), claim(std::move(C)) {}
  void HandleTranslationUnit(clang::ASTContext &Ctx) override {
    out.push_back(summarizeTranslationUnit(Ctx, rules, claim));
  }

private:
  const RuleSet &rules;
  std::vector<TuSummary> &out;
  ClaimFn claim;
};

class SummaryAction : public clang::ASTFrontendAction {
public:
  SummaryAction(const RuleSet &R, std::vector<TuSummary> &O, ClaimFn C)
      : rules(R), out(O), claim(std::move(C)) {}
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &,
                                                        llvm::StringRef) override {
    return std::make_unique<SummaryConsumer>(rules, out, claim);
  }

private:
  const RuleSet &rules;
  std::vector<TuSummary> &out;
  ClaimFn claim;
};

class SummaryFactory : public clang::tooling::FrontendActionFactory {
public:
  SummaryFactory(const RuleSet &R, std::vector<TuSummary> &O, ClaimFn C)
      : rules(R), out(O), claim(std::move(C)) {}
  std::unique_ptr<clang::FrontendAction> create() override {
    return std::make_unique<SummaryAction>(rules, out, claim);
  }

private:
  const RuleSet &rules;
  std::vector<TuSummary> &out;
  ClaimFn claim;
};

// One TU: its summaries (one per compile command of the file) and errors.
struct TuResult {
  std::vector<TuSummary> summaries;
  std::vector<std::string> errors;
  bool failed = false;
};

// Header functions (static inline helpers) are summarized by the first TU
// that parses them; the others skip them. On a kernel tree most of a TU's
// function bodies come from headers, so this is most of the work saved and
// most of the memory.
class KeyClaims {
public:
  bool claim(const std::string &Key) {
    std::lock_guard<std::mutex> G(mu);
    return keys.insert(Key).second;
  }

private:
  std::mutex mu;
  std::unordered_set<std::string> keys;
};

struct Job {
  PreparedCommand prepared;
  std::string module;
};

TuResult summarizeCommand(const Job &J, const RuleSet &Rules,
                          const std::vector<std::string> &ExtraArgs, KeyClaims &Claims) {
  TuResult R;
  const clang::tooling::CompileCommand &Cmd = J.prepared.command;
  SingleCommandDatabase DB(Cmd);
  // A physical file system of its own: ClangTool moves into the command's
  // directory in it, never in the process (other threads, relative paths
  // given on our command line).
  clang::tooling::ClangTool Tool(DB, {Cmd.Filename},
                                 std::make_shared<clang::PCHContainerOperations>(),
                                 llvm::vfs::createPhysicalFileSystem());
  std::vector<std::string> Args{"-w", "-fno-caret-diagnostics"};
  if (std::string(FENCEDEP_CLANG_RESOURCE_DIR).size())
    Args.push_back("-resource-dir=" FENCEDEP_CLANG_RESOURCE_DIR);
  Args.insert(Args.end(), ExtraArgs.begin(), ExtraArgs.end());
  Tool.appendArgumentsAdjuster(clang::tooling::getInsertArgumentAdjuster(
      Args, clang::tooling::ArgumentInsertPosition::END));
  ErrorCollector Errors;
  Tool.setDiagnosticConsumer(&Errors);
  Tool.setPrintErrorMessage(false);
  SummaryFactory Factory(Rules, R.summaries,
                         [&Claims](const std::string &Key) { return Claims.claim(Key); });
  int Status = Tool.run(&Factory);
  R.errors = std::move(Errors.errors);
  R.failed = Status != 0 || !R.errors.empty();
  if (R.failed && R.errors.empty())
    R.errors.push_back(Cmd.Filename + ": error: the compiler could not run this command");
  for (TuSummary &S : R.summaries) {
    S.errors = R.errors;
    S.module = J.module;
  }
  return R;
}

// "error: unknown argument: '-mfoo'" from "path:1:2: error: unknown ...":
// the message without its place, to count TUs that fail the same way.
std::string errorKind(const std::string &E) {
  llvm::StringRef S(E);
  size_t At = S.find("error: ");
  if (At != llvm::StringRef::npos)
    S = S.substr(At);
  return S.str();
}

// clang-tidy's check globs: comma-separated, `-` negates, `*` matches
// anything; the last matching glob decides.
bool globMatch(llvm::StringRef Pattern, llvm::StringRef Text) {
  if (Pattern.empty())
    return Text.empty();
  if (Pattern.front() == '*') {
    for (size_t I = 0; I <= Text.size(); ++I)
      if (globMatch(Pattern.drop_front(), Text.drop_front(I)))
        return true;
    return false;
  }
  return !Text.empty() && Pattern.front() == Text.front() &&
         globMatch(Pattern.drop_front(), Text.drop_front());
}

bool checkEnabled(const std::string &Globs, llvm::StringRef Name) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  llvm::StringRef(Globs).split(Parts, ',', -1, false);
  bool Enabled = false;
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    bool Negative = P.consume_front("-");
    if (globMatch(P, Name))
      Enabled = !Negative;
  }
  return Enabled;
}

// NOLINT, NOLINT(check,...) on the line, NOLINTNEXTLINE on the line above,
// as clang-tidy honours them.
bool nolintCovers(llvm::StringRef Line, llvm::StringRef Marker, llvm::StringRef Check) {
  size_t At = Line.find(Marker);
  while (At != llvm::StringRef::npos) {
    llvm::StringRef Rest = Line.substr(At + Marker.size());
    if (Marker == "NOLINT" && Rest.startswith("NEXTLINE")) {
      At = Line.find(Marker, At + 1);
      continue;
    }
    if (!Rest.startswith("("))
      return true;
    llvm::StringRef List = Rest.drop_front().split(')').first;
    llvm::SmallVector<llvm::StringRef, 4> Names;
    List.split(Names, ',', -1, false);
    for (llvm::StringRef N : Names)
      if (globMatch(N.trim(), Check))
        return true;
    At = Line.find(Marker, At + 1);
  }
  return false;
}

class NolintFilter {
public:
  bool suppressed(const Finding &F) {
    auto &Lines = lines(F.loc.file);
    if (F.loc.line == 0 || F.loc.line > Lines.size())
      return false;
    llvm::StringRef Check = checkName(F.check);
    if (nolintCovers(Lines[F.loc.line - 1], "NOLINT", Check))
      return true;
    return F.loc.line >= 2 && nolintCovers(Lines[F.loc.line - 2], "NOLINTNEXTLINE", Check);
  }

private:
  std::map<std::string, std::vector<std::string>> files_;
  std::vector<std::string> &lines(const std::string &File) {
    auto It = files_.find(File);
    if (It != files_.end())
      return It->second;
    std::vector<std::string> &L = files_[File];
    if (auto Buf = llvm::MemoryBuffer::getFile(File, true)) {
      llvm::SmallVector<llvm::StringRef, 0> Parts;
      (*Buf)->getBuffer().split(Parts, '\n');
      for (llvm::StringRef P : Parts)
        L.push_back(P.str());
    }
    return L;
  }
};

// "[3/20] drivers/gpu/drm/xe/xe_vm.c" on one terminal line.
class Progress {
public:
  Progress(bool On, size_t Total) : on(On), total(Total) {}
  void step(const std::string &File) {
    if (!on)
      return;
    std::lock_guard<std::mutex> G(mu);
    ++done;
    std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", done, total, File.c_str());
    std::fflush(stderr);
  }
  void finish() {
    if (on && done)
      std::fprintf(stderr, "\r\033[K");
  }

private:
  bool on;
  size_t total, done = 0;
  std::mutex mu;
};

bool writeFile(const std::string &Path, const std::string &Text, std::string &Error) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC) {
    Error = Path + ": error: cannot write: " + EC.message();
    return false;
  }
  OS << Text;
  return true;
}

std::string currentDir() {
  llvm::SmallString<256> Cwd;
  if (llvm::sys::fs::current_path(Cwd))
    return {};
  return Cwd.str().str();
}

} // namespace

bool parseShard(const std::string &text, unsigned &index, unsigned &count) {
  auto [I, N] = llvm::StringRef(text).split('/');
  if (I.getAsInteger(10, index) || N.getAsInteger(10, count))
    return false;
  return count >= 1 && index >= 1 && index <= count;
}

int runCheck(const CheckOptions &opts) {
  std::vector<std::string> Errors;
  auto Fail = [&](const std::string &E) {
    std::fprintf(stderr, "fencedep check: %s\n", E.c_str());
    Errors.push_back(E);
  };
  if (opts.format != "text" && opts.format != "json" && opts.format != "sarif") {
    Fail("error: unknown --format '" + opts.format + "' (text, json or sarif)");
    return kCheckError;
  }
  bool Sharded = opts.shardCount > 0;
  if (Sharded && opts.summariesOut.empty()) {
    Fail("error: --shard needs --summaries FILE to write the shard's summaries to");
    return kCheckError;
  }

  // The rules give the summarizer its vocabulary and the engine its facts,
  // so merged summaries are judged by the rules of the merging run.
  RuleSet Rules;
  std::string RulesError;
  if (!loadRules(opts.rules, opts.noDefaultRules, Rules, RulesError)) {
    Fail(RulesError);
    return kCheckError;
  }

  std::vector<TuSummary> Tus;
  unsigned TuCount = 0, Failed = 0;
  size_t ModuleCount = 0;
  // First error of each failed TU, without its place: why TUs failed.
  std::map<std::string, unsigned> FailureKinds;

  if (!opts.mergeIn.empty()) {
    for (const std::string &Path : opts.mergeIn) {
      auto Buf = llvm::MemoryBuffer::getFile(Path, true);
      std::string Error;
      if (!Buf) {
        Fail(Path + ": error: cannot read summaries: " + Buf.getError().message());
        continue;
      }
      if (!readSummariesJson((*Buf)->getBuffer().str(), Path, Tus, Error))
        Fail(Error);
    }
    for (const TuSummary &T : Tus) {
      ++TuCount;
      if (!T.errors.empty())
        ++Failed;
    }
  } else {
    std::unique_ptr<clang::tooling::CompilationDatabase> DB;
    std::vector<std::string> FixedFiles;
    if (!opts.buildDir.empty()) {
      std::string DbError;
      DB = loadDatabase(opts.buildDir, DbError);
      if (!DB) {
        Fail("error: " + DbError);
        return kCheckError;
      }
    } else if (!opts.files.empty()) {
      // `fencedep check FILES -- FLAGS`: every file compiled with FLAGS.
      DB = std::make_unique<clang::tooling::FixedCompilationDatabase>(currentDir(),
                                                                      opts.compileFlags);
      for (const std::string &F : opts.files) {
        llvm::SmallString<256> Abs(F);
        llvm::sys::fs::make_absolute(Abs);
        llvm::sys::path::remove_dots(Abs, true);
        if (!llvm::sys::fs::exists(Abs))
          Fail("error: " + F + ": no such file");
        else
          FixedFiles.push_back(Abs.str().str());
      }
    } else {
      Fail("error: nothing to check: use -p BUILD_DIR, FILES -- FLAGS, or --merge FILES");
      return kCheckError;
    }
    // Every compile command is a TU: a file built into two modules (i915's
    // display code is also part of xe) is analysed once for each.
    std::vector<clang::tooling::CompileCommand> Commands;
    if (opts.buildDir.empty()) {
      for (const std::string &F : FixedFiles)
        for (auto &C : DB->getCompileCommands(F))
          Commands.push_back(std::move(C));
    } else {
      Commands = DB->getAllCompileCommands();
    }
    std::vector<Job> Jobs;
    for (const auto &C : Commands)
      Jobs.push_back({prepareCommand(C), ""});
    std::stable_sort(Jobs.begin(), Jobs.end(), [](const Job &A, const Job &B) {
      return std::tie(A.prepared.command.Filename, A.prepared.object) <
             std::tie(B.prepared.command.Filename, B.prepared.object);
    });
    Jobs.erase(std::unique(Jobs.begin(), Jobs.end(),
                           [](const Job &A, const Job &B) {
                             return A.prepared.command.Filename == B.prepared.command.Filename &&
                                    A.prepared.object == B.prepared.object;
                           }),
               Jobs.end());
    if (!opts.files.empty() && !opts.buildDir.empty()) {
      auto Wanted = [&](const std::string &F) {
        return std::any_of(opts.files.begin(), opts.files.end(), [&](const std::string &W) {
          return llvm::StringRef(F).endswith(W);
        });
      };
      for (const std::string &Want : opts.files)
        if (std::none_of(Jobs.begin(), Jobs.end(), [&](const Job &J) {
              return llvm::StringRef(J.prepared.command.Filename).endswith(Want);
            }))
          Fail("error: " + Want + ": not in the compilation database");
      llvm::erase_if(Jobs, [&](const Job &J) { return !Wanted(J.prepared.command.Filename); });
    }
    if (Sharded) {
      std::vector<Job> Mine;
      for (size_t I = 0; I < Jobs.size(); ++I)
        if (I % opts.shardCount == opts.shardIndex - 1)
          Mine.push_back(std::move(Jobs[I]));
      Jobs = std::move(Mine);
    }
    ModuleMap Modules;
    for (const Job &J : Jobs)
      Modules.scan(J.prepared.command.Directory, J.prepared.object);
    for (Job &J : Jobs)
      J.module = Modules.moduleOf(J.prepared.object, J.prepared.command.Filename);

    unsigned Threads = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
    Threads = std::min<unsigned>(Threads, std::max<size_t>(Jobs.size(), 1));
    bool ShowProgress = opts.progress == 1 || (opts.progress == -1 && isatty(2));
    Progress Bar(ShowProgress, Jobs.size());
    std::vector<TuResult> Results(Jobs.size());
    KeyClaims Claims;
    std::atomic<size_t> Next{0};
    auto Worker = [&] {
      for (size_t I = Next++; I < Jobs.size(); I = Next++) {
        Results[I] = summarizeCommand(Jobs[I], Rules, opts.extraArgs, Claims);
        Bar.step(Jobs[I].prepared.command.Filename);
      }
    };
    std::vector<std::thread> Pool;
    for (unsigned T = 1; T < Threads; ++T)
      Pool.emplace_back(Worker);
    Worker();
    for (std::thread &T : Pool)
      T.join();
    Bar.finish();

    for (size_t I = 0; I < Jobs.size(); ++I) {
      ++TuCount;
      TuResult &R = Results[I];
      if (R.failed) {
        ++Failed;
        const std::string &File = Jobs[I].prepared.command.Filename;
        std::string Head = File + ": error: translation unit has " +
                           std::to_string(R.errors.size()) +
                           " compiler error(s); its summary may be incomplete";
        Fail(Head);
        for (size_t E = 0; E < R.errors.size() && E < 10; ++E)
          std::fprintf(stderr, "  %s\n", R.errors[E].c_str());
        ++FailureKinds[R.errors.empty() ? std::string("error: unknown") : errorKind(R.errors[0])];
      }
      for (TuSummary &S : R.summaries)
        Tus.push_back(std::move(S));
    }
    ModuleCount = Modules.kbuild() ? Modules.modules() : 0;
  }

  if (!opts.summariesOut.empty()) {
    std::string Error;
    if (!writeFile(opts.summariesOut, writeSummariesJson(Tus), Error))
      Fail(Error);
  }
  if (Sharded) {
    std::fprintf(stderr, "fencedep check: shard %u/%u: %u translation unit(s) summarized to %s\n",
                 opts.shardIndex, opts.shardCount, TuCount, opts.summariesOut.c_str());
    return Errors.empty() ? kCheckClean : kCheckError;
  }

  ReportInput In;
  NolintFilter Nolint;
  std::map<std::string, unsigned> PerCheck;
  ProgramFacts Facts = Rules.facts();
  for (Finding &F : analyzeProgram(Tus, Facts)) {
    if (!checkEnabled(opts.checks, checkName(F.check)) || Nolint.suppressed(F))
      continue;
    ++PerCheck[checkName(F.check)];
    In.findings.push_back(std::move(F));
  }
  In.errors = Errors;
  In.tus = TuCount;
  In.failedTus = Failed;
  In.root = opts.root.empty() ? currentDir() : opts.root;
  In.toolVersion = opts.toolVersion;

  std::string Report = opts.format == "json"    ? formatJson(In)
                       : opts.format == "sarif" ? formatSarif(In)
                                                : formatText(In, opts.source);
  if (opts.output.empty()) {
    std::fwrite(Report.data(), 1, Report.size(), stdout);
    std::fflush(stdout);
  } else {
    std::string Error;
    if (!writeFile(opts.output, Report, Error))
      Fail(Error);
  }

  std::string Counts;
  for (const auto &[Name, N] : PerCheck)
    Counts += (Counts.empty() ? " (" : ", ") + std::to_string(N) + " " + Name;
  if (!Counts.empty())
    Counts += ")";
  std::string Mods = ModuleCount ? " (" + std::to_string(ModuleCount) +
                                       " kbuild module(s) and the kernel)"
                                 : "";
  std::fprintf(stderr, "fencedep check: %u translation unit(s)%s%s, %zu finding(s)%s\n", TuCount,
               Mods.c_str(),
               Failed ? (", " + std::to_string(Failed) + " with errors").c_str() : "",
               In.findings.size(), Counts.c_str());
  // Why TUs failed, most frequent first: one broken header shows as one line.
  std::vector<std::pair<unsigned, std::string>> Kinds;
  for (const auto &[Kind, N] : FailureKinds)
    Kinds.push_back({N, Kind});
  std::stable_sort(Kinds.begin(), Kinds.end(),
                   [](const auto &A, const auto &B) { return A.first > B.first; });
  for (const auto &[N, Kind] : Kinds)
    std::fprintf(stderr, "fencedep check:   %u translation unit(s) failed first with: %s\n", N,
                 Kind.c_str());
  if (!Errors.empty())
    return kCheckError;
  return In.findings.empty() ? kCheckClean : kCheckFindings;
}

} // namespace fencedep::analyzer
