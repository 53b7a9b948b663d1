#include "compile_commands.h"

#include <clang/Tooling/JSONCompilationDatabase.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

namespace fencedep::analyzer {

namespace {

using llvm::StringRef;

std::string absolute(StringRef Dir, StringRef Path) {
  if (Path.empty() || llvm::sys::path::is_absolute(Path))
    return Path.str();
  llvm::SmallString<256> Out(Dir);
  llvm::sys::path::append(Out, Path);
  llvm::sys::path::remove_dots(Out, /*remove_dot_dot=*/true);
  return Out.str().str();
}

// Options naming a file or directory to read, as a separate argument or
// joined to the option (`-I dir`, `-Idir`).
constexpr StringRef kPathOptions[] = {"-I",        "-isystem",  "-iquote",   "-idirafter",
                                      "-include",  "-imacros",  "-isysroot", "-iprefix",
                                      "-F",        "-cxx-isystem", "-iframework"};
// Joined with `=` only.
constexpr StringRef kPathEqualsOptions[] = {
    "--sysroot=",          "-fprofile-use=",          "-fprofile-instr-use=",
    "-fsanitize-ignorelist=", "-fsanitize-blacklist=", "-fmodule-map-file=",
    "-fprofile-sample-use=", "-fprofile-list="};

// Options that make the compiler write a file, with a separate argument
// (also joined: `-MFfile`, `-ofile`).
constexpr StringRef kWritesWithArg[] = {"-o", "-MF", "-MT", "-MQ", "-MJ"};
constexpr StringRef kWritesSeparateOnly[] = {"--serialize-diagnostics", "-serialize-diagnostics",
                                             "-dependency-file", "-dependency-dot"};
// Options that write files alone or with `=value` joined.
constexpr StringRef kWritesFlags[] = {"-MD", "-MMD", "-M", "-MM", "-MG", "-MP", "-MV",
                                      "-save-temps", "--save-temps", "-ftime-trace",
                                      "-fsave-optimization-record", "-gsplit-dwarf"};
constexpr StringRef kWritesPrefixes[] = {"-save-temps=", "-ftime-trace=", "-ftime-trace-granularity=",
                                         "-foptimization-record-file=",
                                         "-fsave-optimization-record=", "-gsplit-dwarf="};

bool inList(StringRef A, llvm::ArrayRef<StringRef> L) { return llvm::is_contained(L, A); }

// `-Wp,a,b,c` passes a, b, c to the preprocessor: keep what reads, drop the
// dependency-file options and their file.
std::string filterWp(StringRef Arg, StringRef Dir) {
  llvm::SmallVector<StringRef, 8> Parts;
  Arg.drop_front(4).split(Parts, ',', -1, /*KeepEmpty=*/false);
  std::vector<std::string> Kept;
  for (size_t I = 0; I < Parts.size(); ++I) {
    StringRef P = Parts[I];
    if (P == "-MD" || P == "-MMD" || P == "-MF" || P == "-MT" || P == "-MQ") {
      ++I; // its file
      continue;
    }
    if (P.startswith("-M"))
      continue;
    bool Path = false;
    for (StringRef O : kPathOptions)
      if (P == O && I + 1 < Parts.size()) {
        Kept.push_back(P.str());
        Kept.push_back(absolute(Dir, Parts[++I]));
        Path = true;
        break;
      }
    if (!Path)
      Kept.push_back(P.str());
  }
  if (Kept.empty())
    return {};
  std::string Out = "-Wp";
  for (const std::string &K : Kept)
    Out += "," + K;
  return Out;
}

bool isSourceLike(StringRef A) {
  StringRef Ext = llvm::sys::path::extension(A);
  return Ext == ".c" || Ext == ".cc" || Ext == ".cpp" || Ext == ".cxx" || Ext == ".C" ||
         Ext == ".S" || Ext == ".s" || Ext == ".i" || Ext == ".h" || Ext == ".m";
}

} // namespace

PreparedCommand prepareCommand(const clang::tooling::CompileCommand &C) {
  PreparedCommand P;
  P.command = C;
  const std::string &Dir = C.Directory;
  P.command.Filename = absolute(Dir, C.Filename);
  std::vector<std::string> Out;
  const std::vector<std::string> &In = C.CommandLine;
  for (size_t I = 0; I < In.size(); ++I) {
    StringRef A = In[I];
    if (I == 0) {
      Out.push_back(A.str()); // the compiler
      continue;
    }
    if (A == "-o" && I + 1 < In.size()) {
      P.object = absolute(Dir, In[++I]);
      continue;
    }
    if (A.startswith("-o") && A.size() > 2 && !A.startswith("-object")) {
      P.object = absolute(Dir, A.drop_front(2));
      continue;
    }
    if (inList(A, kWritesWithArg) || inList(A, kWritesSeparateOnly)) {
      ++I;
      continue;
    }
    if (inList(A, kWritesFlags))
      continue;
    bool Dropped = false;
    for (StringRef W : kWritesWithArg)
      if (W != "-o" && A.startswith(W) && A.size() > W.size())
        Dropped = true;
    for (StringRef W : kWritesPrefixes)
      if (A.startswith(W))
        Dropped = true;
    if (Dropped)
      continue;
    if (A.startswith("-Wp,")) {
      std::string Kept = filterWp(A, Dir);
      if (!Kept.empty())
        Out.push_back(std::move(Kept));
      continue;
    }
    bool Path = false;
    for (StringRef O : kPathOptions) {
      if (A == O && I + 1 < In.size()) {
        Out.push_back(A.str());
        Out.push_back(absolute(Dir, In[++I]));
        Path = true;
        break;
      }
      // Joined form; `-include` is not `-I nclude`.
      if (A.startswith(O) && A.size() > O.size() && O == "-I") {
        Out.push_back("-I" + absolute(Dir, A.drop_front(2)));
        Path = true;
        break;
      }
    }
    if (Path)
      continue;
    for (StringRef O : kPathEqualsOptions)
      if (A.startswith(O)) {
        Out.push_back(O.str() + absolute(Dir, A.drop_front(O.size())));
        Path = true;
        break;
      }
    if (Path)
      continue;
    if (!A.startswith("-") && isSourceLike(A)) {
      Out.push_back(absolute(Dir, A));
      continue;
    }
    Out.push_back(A.str());
  }
  P.command.CommandLine = std::move(Out);
  P.command.Output.clear();
  return P;
}

std::vector<clang::tooling::CompileCommand>
SingleCommandDatabase::getCompileCommands(llvm::StringRef File) const {
  if (File != cmd_.Filename)
    return {};
  return {cmd_};
}

std::unique_ptr<clang::tooling::CompilationDatabase> loadDatabase(const std::string &Path,
                                                                  std::string &Error) {
  if (llvm::sys::fs::is_regular_file(Path))
    return clang::tooling::JSONCompilationDatabase::loadFromFile(
        Path, Error, clang::tooling::JSONCommandLineSyntax::AutoDetect);
  return clang::tooling::CompilationDatabase::loadFromDirectory(Path, Error);
}

} // namespace fencedep::analyzer
