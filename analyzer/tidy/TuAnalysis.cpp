#include "TuAnalysis.h"

#include "fencedep/analyzer/summarizer.h"

#include <clang/AST/ASTContext.h>

namespace fencedep::tidy {

std::shared_ptr<TuAnalysis>
TuAnalysis::get(clang::ASTContext &ctx, const std::shared_ptr<const analyzer::RuleSet> &rules) {
  // clang-tidy checks one TU at a time and destroys a TU's checks before
  // the next TU's are made, so one slot suffices; the context and rules
  // pointers guard against handing out a stale analysis.
  static std::weak_ptr<TuAnalysis> Current;
  static const clang::ASTContext *CurrentCtx = nullptr;
  static const analyzer::RuleSet *CurrentRules = nullptr;
  if (auto Live = Current.lock(); Live && CurrentCtx == &ctx && CurrentRules == rules.get())
    return Live;

  auto A = std::make_shared<TuAnalysis>();
  std::vector<analyzer::TuSummary> Tus;
  Tus.push_back(analyzer::summarizeTranslationUnit(ctx, *rules));
  A->findings_ = analyzer::analyzeProgram(Tus, rules->facts());
  for (size_t I = 0; I < A->findings_.size(); ++I)
    A->index_.emplace(std::make_pair(static_cast<int>(A->findings_[I].check),
                                     A->findings_[I].loc.raw),
                      I);
  Current = A;
  CurrentCtx = &ctx;
  CurrentRules = rules.get();
  return A;
}

std::vector<const analyzer::Finding *> TuAnalysis::at(analyzer::CheckId check,
                                                      uint32_t raw) const {
  std::vector<const analyzer::Finding *> Out;
  auto [B, E] = index_.equal_range({static_cast<int>(check), raw});
  for (auto It = B; It != E; ++It)
    Out.push_back(&findings_[It->second]);
  return Out;
}

std::vector<const analyzer::Finding *> TuAnalysis::all(analyzer::CheckId check) const {
  std::vector<const analyzer::Finding *> Out;
  for (const analyzer::Finding &F : findings_)
    if (F.check == check)
      Out.push_back(&F);
  return Out;
}

} // namespace fencedep::tidy
