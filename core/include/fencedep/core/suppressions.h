// TSan-style suppressions: one rule per line, `kind:pattern`, `#` comments.
//   class:NAME      a report whose cycle (or LR fence) involves class NAME, as
//                   reports print it (`mutex ring.c:42:7 in ring_create`) or
//                   in the older form (`mutex@ring.c:42`)
//   frame:FUNC      a report with FUNC in any stack (function, file or module)
//   report:KIND     every report of KIND (lock-order, wait-cycle, ...)
// Patterns support `*` wildcards; a leading/trailing `*` is implied for
// frame patterns as in TSan.
#pragma once
#include <cstddef>

#include "fencedep/core/raw_memory.h"
#include "fencedep/core/report.h"

namespace fencedep {

class Suppressions {
public:
  // Parses `text`. On error returns false and describes it in err
  // ("line 3: unknown rule type 'clas'").
  bool parse(const char *text, size_t len, char *err, size_t errcap);
  // Pattern index that matched + 1, or 0.
  bool matches(const ReportView &r) const;
  unsigned size() const { return n_; }

private:
  enum class Type : unsigned char { Class, Frame, Report };
  struct Rule {
    Type type;
    const char *pattern;
  };
  static constexpr unsigned kMax = 256;
  Rule rules_[kMax];
  unsigned n_ = 0;
  Arena arena_;
};

// Glob match with '*' and '?'.
bool glob_match(const char *pattern, const char *text);

} // namespace fencedep
