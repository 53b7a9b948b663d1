#include "mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace fencedep::offline {

MappedFile::~MappedFile() {
  if (data_ && size_)
    munmap(const_cast<char *>(data_), size_);
}

MappedFile &MappedFile::operator=(MappedFile &&o) noexcept {
  std::swap(data_, o.data_);
  std::swap(size_, o.size_);
  return *this;
}

bool MappedFile::open(const std::string &path, std::string *err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    *err = "not a regular file";
    ::close(fd);
    return false;
  }
  size_ = size_t(sb.st_size);
  if (size_ == 0) {
    data_ = "";
    ::close(fd);
    return true;
  }
  void *p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) {
    *err = std::string("cannot map: ") + std::strerror(errno);
    size_ = 0;
    return false;
  }
  madvise(p, size_, MADV_SEQUENTIAL);
  data_ = static_cast<const char *>(p);
  return true;
}

} // namespace fencedep::offline
