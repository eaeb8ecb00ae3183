// The pruning setting of an accelerator's weights (hardware section [pruning]), typed and parsed
// once when the hardware config loads: method, N columns and constant bits (model/bbs's
// PruneParams), group size, sensitive-channel fraction and the multiple CH those channels round up
// to (BBS paper §III, Algo. 2).
#pragma once

#include <string>

#include "model/bbs/prune.hpp"

namespace bbs::accel {

struct PruningSetting {
  PruneParams prune;                // method, columns N, constant bits B
  int group = 32;                   // weights per pruning group
  double sensitive_fraction = 0.0;  // share of output channels kept at full precision
  int channel_multiple = 32;        // CH: sensitive channels per layer round up to a multiple

  bool prunes() const { return prune.method != PruneMethod::None; }
  // Columns actually pruned: 0 when the method is none.
  int pruned_columns() const { return prunes() ? prune.columns : 0; }
  // The setting with what cannot change the result cleared (N and B when nothing is pruned).
  PruningSetting effective() const;
  // Canonical JSON of effective(): sorted keys, shortest round-trip numbers. Two settings prune
  // alike exactly when their canonical texts are equal (profile cache keys, shared analyses).
  std::string canonical() const;
};

}  // namespace bbs::accel
