// A whole input file, memory-mapped read-only: readers walk it in place, and
// text traces stay mapped so that reports can quote the line an edge came
// from. Compressed text (gzip, xz, zstd: told by their magic bytes) is
// decompressed into an unlinked temporary file first, so that memory stays
// independent of the input's size either way: pages behind the readers'
// cursor are dropped as they go (release()), and come back from the file if
// a report quotes them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace fencedep::offline {

class MappedFile {
public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;

  // False with *err set ("cannot open: No such file or directory", "is a
  // directory", "corrupt gzip data at byte N").
  bool open(const std::string &path, std::string *err);
  const char *data() const { return data_; }
  size_t size() const { return size_; }
  // "gzip", "xz", "zstd", or null when the file was not compressed.
  const char *compression() const { return compression_; }
  // A path that opens the (decompressed) content: the file itself, or the
  // temporary file through /proc/self/fd.
  const std::string &content_path() const { return content_path_; }
  // Pages before `offset` are not needed for now.
  void release(uint64_t offset);

private:
  const char *data_ = nullptr;
  size_t size_ = 0;
  int fd_ = -1; // the decompressed content, when compressed
  const char *compression_ = nullptr;
  std::string content_path_;
};

} // namespace fencedep::offline
