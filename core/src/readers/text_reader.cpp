#include "fencedep/core/text_reader.h"

namespace fencedep {

bool reader_bad_line(const ReaderContext &ctx, ReaderStats &st, uint64_t line,
                     std::string_view what) {
  ++st.bad_lines;
  if (st.errors.size() < ReaderStats::kMaxErrors)
    st.errors.push_back(ctx.name + ":" + std::to_string(line) + ": " + std::string(what));
  if (!ctx.strict)
    return true;
  st.partial = true;
  st.stopped = true;
  return false;
}

std::string_view find_line(const char *data, size_t size, const std::vector<uint64_t> &index,
                           uint64_t number) {
  if (number == 0)
    return {};
  uint64_t slot = (number - 1) / ReaderStats::kIndexStride;
  if (slot >= index.size() || index[slot] > size)
    return {};
  LineCursor cur(data + index[slot], size - index[slot]);
  std::string_view line;
  bool complete;
  for (uint64_t n = slot * ReaderStats::kIndexStride; cur.next(&line, &complete);)
    if (++n == number)
      return line;
  return {};
}

bool parse_dec(std::string_view s, uint64_t *out) {
  if (s.empty() || s.size() > 20)
    return false;
  uint64_t v = 0;
  // Nineteen digits cannot overflow: only the twentieth needs the check.
  size_t fast = s.size() < 20 ? s.size() : 19;
  for (size_t i = 0; i < fast; ++i) {
    unsigned d = unsigned(s[i]) - '0';
    if (d > 9)
      return false;
    v = v * 10 + d;
  }
  if (fast < s.size()) {
    unsigned d = unsigned(s[19]) - '0';
    if (d > 9 || v > (~0ull - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

namespace {
// Hex digit values, 0xff for anything else: one load per character.
struct HexTable {
  uint8_t v[256];
  constexpr HexTable() : v() {
    for (unsigned c = 0; c < 256; ++c)
      v[c] = c >= '0' && c <= '9'   ? uint8_t(c - '0')
             : c >= 'a' && c <= 'f' ? uint8_t(c - 'a' + 10)
             : c >= 'A' && c <= 'F' ? uint8_t(c - 'A' + 10)
                                    : 0xff;
  }
};
constexpr HexTable kHex;
} // namespace

bool parse_hex(std::string_view s, uint64_t *out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s.remove_prefix(2);
  if (s.empty() || s.size() > 16)
    return false;
  uint64_t v = 0;
  unsigned bad = 0;
  for (char c : s) {
    uint8_t d = kHex.v[uint8_t(c)];
    bad |= d;
    v = (v << 4) | (d & 0xf);
  }
  if (bad & 0xf0)
    return false;
  *out = v;
  return true;
}

ClassId ClassNamer::get(ClassKind kind, std::string_view name, uint32_t flags) {
  if (name.empty() || name.size() > kMaxName)
    return kNoClass;
  auto &cache = cache_[size_t(kind)];
  auto it = cache.find(name);
  if (it != cache.end())
    return it->second;
  std::string owned(name);
  const char *interned = engine_.classes().intern(owned.c_str());
  ClassId id = engine_.classes().get_or_create(class_key_for_name(kind, interned), kind, interned,
                                               SiteRef{}, flags | kClassNamed);
  cache.emplace(std::move(owned), id);
  return id;
}

} // namespace fencedep
