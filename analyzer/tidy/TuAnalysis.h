// The analysis of the TU clang-tidy is checking, built once and shared by
// all fence-* checks: summaries of the TU, the engine run on them, and the
// findings indexed by check and by the location of the call they concern.
#pragma once

#include "fencedep/analyzer/engine.h"
#include "fencedep/analyzer/rules.h"

#include <map>
#include <memory>
#include <vector>

namespace clang {
class ASTContext;
}

namespace fencedep::tidy {

class TuAnalysis {
public:
  // The analysis of the TU `ctx` belongs to: built on first request, then
  // shared until the last check of that TU lets go of it.
  static std::shared_ptr<TuAnalysis> get(clang::ASTContext &ctx,
                                         const std::shared_ptr<const analyzer::RuleSet> &rules);

  // Findings of `check` whose primary location is the call at `raw` (a
  // SourceLocation encoding).
  std::vector<const analyzer::Finding *> at(analyzer::CheckId check, uint32_t raw) const;
  std::vector<const analyzer::Finding *> all(analyzer::CheckId check) const;

private:
  std::vector<analyzer::Finding> findings_;
  std::multimap<std::pair<int, uint32_t>, size_t> index_;
};

} // namespace fencedep::tidy
