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
  std::string weights_kind;  // weights_kind(): "int8 as given", "float, quantized per channel", ...
};

std::vector<Table> analysis_tables(const std::vector<LayerAnalysis>& layers,
                                   const AnalysisContext& context);

}  // namespace bbs::app
