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
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    uint64_t d = uint64_t(c - '0');
    if (v > (~0ull - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

bool parse_hex(std::string_view s, uint64_t *out) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s.remove_prefix(2);
  if (s.empty() || s.size() > 16)
    return false;
  uint64_t v = 0;
  for (char c : s) {
    unsigned d;
    if (c >= '0' && c <= '9')
      d = unsigned(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = unsigned(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = unsigned(c - 'A' + 10);
    else
      return false;
    v = (v << 4) | d;
  }
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
