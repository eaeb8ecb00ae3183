// The tables `analyze` and `prune` print: bit statistics before pruning, the stored columns after
// pruning with size and error, and a one-row summary.
#pragma once

#include <string>
#include <vector>

#include "app/report.hpp"
#include "model/bbs/analysis.hpp"

namespace bbs::app {

struct AnalysisContext {
  std::string source;  // file analyzed
  AnalysisOptions options;
  bool integer_input = false;
  bool synthetic = false;  // generated weights: the summary says so
};

std::vector<Table> analysis_tables(const std::vector<LayerAnalysis>& layers,
                                   const AnalysisContext& context);

}  // namespace bbs::app
