// Compile commands the way a checker must run them. A build's commands are
// written for a compiler started in the command's `directory` that writes
// objects and dependency files there; a checker runs from anywhere and
// must never write into the tree. So every path is resolved against the
// command's directory, and every option that makes the compiler write a
// file is dropped (kbuild passes `-Wp,-MMD,dir/.foo.o.d`, which the
// preprocessor would open relative to the process's directory).
#pragma once

#include <clang/Tooling/CompilationDatabase.h>

#include <string>
#include <vector>

namespace fencedep::analyzer {

struct PreparedCommand {
  clang::tooling::CompileCommand command;
  // The object the build writes (`-o`), absolute; empty when none.
  std::string object;
};

// Resolves paths against C.Directory and drops file-writing options.
PreparedCommand prepareCommand(const clang::tooling::CompileCommand &C);

// One command as a database, for a ClangTool that must run exactly it.
class SingleCommandDatabase : public clang::tooling::CompilationDatabase {
public:
  explicit SingleCommandDatabase(clang::tooling::CompileCommand C) : cmd_(std::move(C)) {}
  std::vector<clang::tooling::CompileCommand>
  getCompileCommands(llvm::StringRef File) const override;
  std::vector<std::string> getAllFiles() const override { return {cmd_.Filename}; }

private:
  clang::tooling::CompileCommand cmd_;
};

// Loads `compile_commands.json` from a directory, or a database file given
// by its path (`compile_commands.wide.json`).
std::unique_ptr<clang::tooling::CompilationDatabase> loadDatabase(const std::string &Path,
                                                                  std::string &Error);

} // namespace fencedep::analyzer
