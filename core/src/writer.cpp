#include "fencedep/core/writer.h"

#include <unistd.h>

#include <cerrno>

namespace fencedep {

Writer &Writer::dec(uint64_t v) {
  char buf[24];
  int i = sizeof(buf);
  do {
    buf[--i] = char('0' + v % 10);
    v /= 10;
  } while (v);
  write(buf + i, sizeof(buf) - i);
  return *this;
}

Writer &Writer::sdec(int64_t v) {
  if (v < 0) {
    ch('-');
    return dec(uint64_t(-(v + 1)) + 1);
  }
  return dec(uint64_t(v));
}

Writer &Writer::hex(uint64_t v, bool prefix) {
  char buf[18];
  int i = sizeof(buf);
  do {
    buf[--i] = "0123456789abcdef"[v & 15];
    v >>= 4;
  } while (v);
  if (prefix) {
    buf[--i] = 'x';
    buf[--i] = '0';
  }
  write(buf + i, sizeof(buf) - i);
  return *this;
}

Writer &Writer::spaces(unsigned n) {
  static const char blanks[] = "                                                                ";
  while (n) {
    unsigned k = n < 64 ? n : 64;
    write(blanks, k);
    n -= k;
  }
  return *this;
}

Writer &Writer::json_str(const char *s) {
  if (!s)
    return str("null");
  ch('"');
  for (const unsigned char *p = reinterpret_cast<const unsigned char *>(s); *p; ++p) {
    switch (*p) {
    case '"':
      str("\\\"");
      break;
    case '\\':
      str("\\\\");
      break;
    case '\n':
      str("\\n");
      break;
    case '\t':
      str("\\t");
      break;
    case '\r':
      str("\\r");
      break;
    default:
      if (*p < 0x20) {
        str("\\u00");
        ch("0123456789abcdef"[*p >> 4]);
        ch("0123456789abcdef"[*p & 15]);
      } else {
        ch(char(*p));
      }
    }
  }
  return ch('"');
}

void FdWriter::flush() {
  size_t off = 0;
  while (off < used_) {
    ssize_t n = ::write(fd_, buf_ + off, used_ - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    off += size_t(n);
  }
  used_ = 0;
}

void FdWriter::write(const char *data, size_t n) {
  while (n) {
    if (used_ == sizeof(buf_))
      flush();
    size_t k = sizeof(buf_) - used_ < n ? sizeof(buf_) - used_ : n;
    memcpy(buf_ + used_, data, k);
    used_ += k;
    data += k;
    n -= k;
  }
}

void BufferWriter::write(const char *data, size_t n) {
  if (!cap_)
    return;
  size_t room = cap_ - 1 - used_;
  if (n > room)
    n = room;
  memcpy(buf_ + used_, data, n);
  used_ += n;
  buf_[used_] = 0;
}

} // namespace fencedep
