// Which module each translation unit is linked into, from kbuild itself:
// next to a module's objects kbuild writes `NAME.mod`, the list of the
// objects (paths relative to the object tree) that make up NAME.ko. An
// object of a kbuild tree in no such list is built into the kernel
// ("vmlinux"). Outside kbuild (no `.mod` file anywhere) a TU's module is
// its source directory.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace fencedep::analyzer {

class ModuleMap {
public:
  // Reads the `.mod` files of the directories from each object's up to
  // its command's directory (the object tree).
  void scan(const std::string &objectTree, const std::string &object);
  // The module of a TU, by its object (absolute) or, failing that, source.
  std::string moduleOf(const std::string &object, const std::string &source) const;
  bool kbuild() const { return !objects_.empty(); }
  size_t modules() const { return names_.size(); }

private:
  std::set<std::string> scanned_;
  std::map<std::string, std::string> objects_; // object -> module
  std::set<std::string> names_;
  void readModFile(const std::string &objectTree, const std::string &path);
};

} // namespace fencedep::analyzer
