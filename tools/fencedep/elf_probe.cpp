#include "elf_probe.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace fencedep::cli {

namespace {

class Fd {
public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  int get() const { return fd_; }

private:
  int fd_;
};

bool read_at(int fd, void *buf, size_t n, off_t off) {
  return ::pread(fd, buf, n, off) == ssize_t(n);
}

// Walks the program headers of either ELF class.
template <typename Ehdr, typename Phdr> bool scan(int fd, const Ehdr &eh, ElfInfo *out) {
  out->fixed_address = eh.e_type == ET_EXEC;
  if (eh.e_phentsize != sizeof(Phdr))
    return eh.e_phnum == 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Phdr ph;
    if (!read_at(fd, &ph, sizeof ph, off_t(eh.e_phoff + i * sizeof(Phdr))))
      return false;
    if (ph.p_type == PT_INTERP)
      out->has_interp = true;
    else if (ph.p_type == PT_DYNAMIC)
      out->has_dynamic = true;
  }
  return true;
}

} // namespace

bool probe_elf(const std::string &path, ElfInfo *out) {
  *out = ElfInfo{};
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0)
    return false;
  unsigned char ident[EI_NIDENT] = {};
  ssize_t n = ::pread(fd.get(), ident, sizeof ident, 0);
  if (n < 0)
    return false;
  if (size_t(n) < sizeof ident || std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    return true; // a script or other non-ELF file
  out->is_elf = true;
  if (ident[EI_CLASS] == ELFCLASS64) {
    out->is_64 = true;
    Elf64_Ehdr eh;
    return read_at(fd.get(), &eh, sizeof eh, 0) && scan<Elf64_Ehdr, Elf64_Phdr>(fd.get(), eh, out);
  }
  Elf32_Ehdr eh;
  return read_at(fd.get(), &eh, sizeof eh, 0) && scan<Elf32_Ehdr, Elf32_Phdr>(fd.get(), eh, out);
}

} // namespace fencedep::cli
