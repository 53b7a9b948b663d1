#include "mapped_file.h"

#include <fcntl.h>
#include <lzma.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace fencedep::offline {

namespace {

constexpr size_t kBuf = 1u << 20;

enum class Codec { None, Gzip, Xz, Zstd };

Codec sniff(int fd) {
  unsigned char m[6] = {};
  ssize_t n = pread(fd, m, sizeof m, 0);
  if (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
    return Codec::Gzip;
  if (n >= 6 && std::memcmp(m, "\xfd" "7zXZ\0", 6) == 0)
    return Codec::Xz;
  if (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
    return Codec::Zstd;
  return Codec::None;
}

bool write_all(int fd, const void *p, size_t n, std::string *err) {
  const char *c = static_cast<const char *>(p);
  while (n) {
    ssize_t w = write(fd, c, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      *err = std::string("cannot write the decompressed copy: ") + std::strerror(errno);
      return false;
    }
    c += w;
    n -= size_t(w);
  }
  return true;
}

// Reads `in` through the codec's streaming decoder into `out`. `*at` is the
// compressed offset reached, for messages.
bool decompress(Codec codec, int in, int out, std::string *err) {
  std::vector<unsigned char> ibuf(kBuf), obuf(kBuf);
  uint64_t at = 0;
  auto fill = [&](size_t *got) {
    ssize_t r;
    do
      r = read(in, ibuf.data(), ibuf.size());
    while (r < 0 && errno == EINTR);
    if (r < 0) {
      *err = std::string("cannot read: ") + std::strerror(errno);
      return false;
    }
    *got = size_t(r);
    at += *got;
    return true;
  };
  auto corrupt = [&](const char *what) {
    *err = std::string("corrupt ") + what + " data near compressed byte " + std::to_string(at) +
           "; the text before it was not kept";
    return false;
  };
  size_t got = 0;
  if (codec == Codec::Gzip) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 32) != Z_OK)
      return corrupt("gzip");
    std::unique_ptr<z_stream, int (*)(z_stream *)> guard(&z, inflateEnd);
    int rc = Z_OK;
    for (;;) {
      if (z.avail_in == 0) {
        if (!fill(&got))
          return false;
        if (got == 0)
          break;
        z.next_in = ibuf.data();
        z.avail_in = unsigned(got);
      }
      z.next_out = obuf.data();
      z.avail_out = unsigned(obuf.size());
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
        return corrupt("gzip");
      if (!write_all(out, obuf.data(), obuf.size() - z.avail_out, err))
        return false;
      if (rc == Z_STREAM_END) {
        // Concatenated members (gzip -c a >x; gzip -c b >>x) go on.
        if (z.avail_in == 0) {
          if (!fill(&got))
            return false;
          if (got == 0)
            break;
          z.next_in = ibuf.data();
          z.avail_in = unsigned(got);
        }
        inflateReset(&z);
      }
    }
    if (rc != Z_STREAM_END)
      return corrupt("gzip (cut short)");
    return true;
  }
  if (codec == Codec::Xz) {
    lzma_stream x = LZMA_STREAM_INIT;
    if (lzma_stream_decoder(&x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
      return corrupt("xz");
    std::unique_ptr<lzma_stream, void (*)(lzma_stream *)> guard(&x, lzma_end);
    lzma_action action = LZMA_RUN;
    for (;;) {
      if (x.avail_in == 0 && action == LZMA_RUN) {
        if (!fill(&got))
          return false;
        if (got == 0)
          action = LZMA_FINISH;
        x.next_in = ibuf.data();
        x.avail_in = got;
      }
      x.next_out = obuf.data();
      x.avail_out = obuf.size();
      lzma_ret rc = lzma_code(&x, action);
      if (!write_all(out, obuf.data(), obuf.size() - x.avail_out, err))
        return false;
      if (rc == LZMA_STREAM_END)
        return true;
      if (rc != LZMA_OK)
        return corrupt(action == LZMA_FINISH ? "xz (cut short)" : "xz");
    }
  }
  ZSTD_DStream *z = ZSTD_createDStream();
  std::unique_ptr<ZSTD_DStream, size_t (*)(ZSTD_DStream *)> guard(z, ZSTD_freeDStream);
  ZSTD_initDStream(z);
  size_t last = 0;
  for (;;) {
    if (!fill(&got))
      return false;
    if (got == 0)
      break;
    ZSTD_inBuffer in_b{ibuf.data(), got, 0};
    while (in_b.pos < in_b.size) {
      ZSTD_outBuffer out_b{obuf.data(), obuf.size(), 0};
      last = ZSTD_decompressStream(z, &out_b, &in_b);
      if (ZSTD_isError(last))
        return corrupt("zstd");
      if (!write_all(out, obuf.data(), out_b.pos, err))
        return false;
    }
  }
  if (last != 0)
    return corrupt("zstd (cut short)");
  return true;
}

int temp_file(std::string *err) {
  const char *dir = std::getenv("TMPDIR");
  if (!dir || !*dir)
    dir = "/tmp";
  int fd = ::open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    *err = std::string("cannot make a temporary file in ") + dir + " for the decompressed text: " +
           std::strerror(errno);
  return fd;
}

} // namespace

MappedFile::~MappedFile() {
  if (data_ && size_)
    munmap(const_cast<char *>(data_), size_);
  if (fd_ >= 0)
    ::close(fd_);
}

bool MappedFile::open(const std::string &path, std::string *err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    *err = S_ISDIR(sb.st_mode) ? "is a directory, not a trace" : "not a regular file";
    ::close(fd);
    return false;
  }
  content_path_ = path;
  Codec codec = sniff(fd);
  if (codec != Codec::None) {
    compression_ = codec == Codec::Gzip ? "gzip" : codec == Codec::Xz ? "xz" : "zstd";
    int out = temp_file(err);
    if (out < 0) {
      ::close(fd);
      return false;
    }
    bool ok = decompress(codec, fd, out, err);
    ::close(fd);
    if (!ok) {
      ::close(out);
      return false;
    }
    fd_ = out;
    fd = out;
    if (fstat(fd, &sb) != 0) {
      *err = std::string("cannot stat the decompressed copy: ") + std::strerror(errno);
      return false;
    }
    content_path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  size_ = size_t(sb.st_size);
  if (size_ == 0) {
    data_ = "";
    if (fd != fd_)
      ::close(fd);
    return true;
  }
  void *p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  if (fd != fd_)
    ::close(fd);
  if (p == MAP_FAILED) {
    *err = std::string("cannot map: ") + std::strerror(map_errno);
    size_ = 0;
    return false;
  }
  madvise(p, size_, MADV_SEQUENTIAL);
  data_ = static_cast<const char *>(p);
  return true;
}

void MappedFile::release(uint64_t offset) {
  if (!size_ || offset == 0)
    return;
  long page = sysconf(_SC_PAGESIZE);
  uint64_t len = offset > size_ ? size_ : offset;
  len -= len % uint64_t(page);
  // A private read-only mapping of a file: dropped pages are read back from
  // the file if touched again, so this only gives memory back.
  if (len)
    madvise(const_cast<char *>(data_), len, MADV_DONTNEED);
}

} // namespace fencedep::offline
