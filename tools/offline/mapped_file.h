// A whole input file, memory-mapped read-only: readers walk it in place, and
// text traces stay mapped so that reports can quote the line an edge came
// from.
#pragma once
#include <cstddef>
#include <string>

namespace fencedep::offline {

class MappedFile {
public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  MappedFile(MappedFile &&o) noexcept { *this = std::move(o); }
  MappedFile &operator=(MappedFile &&o) noexcept;

  // False with *err set ("cannot open: No such file or directory").
  bool open(const std::string &path, std::string *err);
  const char *data() const { return data_; }
  size_t size() const { return size_; }

private:
  const char *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace fencedep::offline
