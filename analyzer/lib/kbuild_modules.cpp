#include "kbuild_modules.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/ADT/StringRef.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

namespace fencedep::analyzer {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

void ModuleMap::readModFile(const std::string &ObjectTree, const std::string &Path) {
  auto Buf = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return;
  std::string Name = path::stem(Path).str();
  names_.insert(Name);
  llvm::SmallVector<llvm::StringRef, 64> Objects;
  (*Buf)->getBuffer().split(Objects, '\n', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef Line : Objects) {
    llvm::SmallVector<llvm::StringRef, 8> Words;
    Line.split(Words, ' ', -1, false);
    for (llvm::StringRef W : Words) {
      W = W.trim();
      if (!W.endswith(".o"))
        continue;
      llvm::SmallString<256> Abs(ObjectTree);
      if (path::is_absolute(W))
        Abs = W;
      else
        path::append(Abs, W);
      path::remove_dots(Abs, true);
      objects_.emplace(Abs.str().str(), Name);
    }
  }
}

void ModuleMap::scan(const std::string &ObjectTree, const std::string &Object) {
  if (Object.empty() || ObjectTree.empty())
    return;
  llvm::StringRef Root(ObjectTree);
  llvm::StringRef Dir = path::parent_path(Object);
  // Modules' lists sit in the directory of their Makefile, at or above
  // their objects' directories.
  while (!Dir.empty() && Dir.startswith(Root)) {
    if (!scanned_.insert(Dir.str()).second)
      break; // this directory and those above it are done
    std::error_code EC;
    for (fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
      if (path::extension(It->path()) == ".mod")
        readModFile(ObjectTree, It->path());
    if (Dir.size() <= Root.size())
      break;
    Dir = path::parent_path(Dir);
  }
}

std::string ModuleMap::moduleOf(const std::string &Object, const std::string &Source) const {
  if (!Object.empty()) {
    auto It = objects_.find(Object);
    if (It != objects_.end())
      return It->second;
  }
  if (kbuild())
    return "vmlinux";
  return path::parent_path(Source).str();
}

} // namespace fencedep::analyzer
