// Writing findings: clang's diagnostic text (`path:line:col: warning:
// message [check]`, notes after it, each with its source line and caret),
// JSON, and SARIF 2.1.0 with the call path as a codeFlow.
#pragma once

#include "fencedep/analyzer/engine.h"

#include <string>
#include <vector>

namespace fencedep::analyzer {

struct ReportInput {
  std::vector<Finding> findings;
  std::vector<std::string> errors; // input problems, already formatted
  unsigned tus = 0, failedTus = 0;
  // Paths under `root` are written relative to it in SARIF (uriBaseId
  // SRCROOT); empty means absolute everywhere.
  std::string root;
  std::string toolVersion;
};

std::string formatText(const ReportInput &in, bool withSource);
std::string formatJson(const ReportInput &in);
std::string formatSarif(const ReportInput &in);

} // namespace fencedep::analyzer
