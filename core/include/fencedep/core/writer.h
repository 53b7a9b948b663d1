// Output sinks without malloc or stdio, so that reports can be written from
// the runtime at any point. Formatting helpers cover what reports need.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace fencedep {

class Writer {
public:
  virtual ~Writer() = default;
  virtual void write(const char *data, size_t n) = 0;

  Writer &str(const char *s) {
    if (s)
      write(s, std::strlen(s));
    return *this;
  }
  Writer &ch(char c) {
    write(&c, 1);
    return *this;
  }
  Writer &dec(uint64_t v);
  Writer &sdec(int64_t v);
  Writer &hex(uint64_t v, bool prefix = true);
  Writer &spaces(unsigned n);
  // JSON string literal, quoted and escaped.
  Writer &json_str(const char *s);
};

// Buffered writer to a file descriptor.
class FdWriter final : public Writer {
public:
  explicit FdWriter(int fd) : fd_(fd) {}
  ~FdWriter() override { flush(); }
  void write(const char *data, size_t n) override;
  void flush();

private:
  int fd_;
  size_t used_ = 0;
  char buf_[4096];
};

// Writes into a caller-provided buffer, truncating when full.
class BufferWriter final : public Writer {
public:
  BufferWriter(char *buf, size_t cap) : buf_(buf), cap_(cap) {
    if (cap_)
      buf_[0] = 0;
  }
  void write(const char *data, size_t n) override;
  const char *c_str() const { return buf_; }
  size_t size() const { return used_; }

private:
  char *buf_;
  size_t cap_;
  size_t used_ = 0;
};

} // namespace fencedep
