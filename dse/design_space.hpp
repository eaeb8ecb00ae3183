// The points of a campaign: every (workload, design, one value per axis), in a fixed order, so a
// point's ordinal never depends on threads, shards or a resumed run.
//   blocks = (workload, design) pairs where the design applies to the workload, workload-major
//   size   = sum over blocks of the product of the design's axis sizes
//   ordinal -> block (by offset), then axis indices by mixed radix (last axis fastest)
// A point is its hardware preset plus `key=value` overrides; its canonical key (sorted settings)
// identifies it in the result database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dse/campaign.hpp"

namespace bbs::dse {

struct DesignPoint {
  std::int64_t ordinal = 0;
  std::size_t workload = 0;
  std::size_t design = 0;
  std::string accel;
  std::vector<std::string> sets;  // fixed sets, then one per axis
  std::string key;                // "accel=bitvert;array.cols=16;array.rows=32"
};

class DesignSpace {
 public:
  explicit DesignSpace(const CampaignSpec& campaign);
  std::int64_t size() const { return total_; }
  DesignPoint at(std::int64_t ordinal) const;
  // Ordinal of the first point of `design` for `workload` (its axis values all at index 0), or
  // nullopt when the design does not apply to the workload.
  std::optional<std::int64_t> first_ordinal(std::size_t workload, std::size_t design) const;

 private:
  struct Block {
    std::size_t workload = 0, design = 0;
    std::int64_t first = 0, size = 0;
  };
  const CampaignSpec* campaign_;
  std::vector<Block> blocks_;
  std::int64_t total_ = 0;
};

// "K/N": this process takes the selected points whose position p has p % N == K - 1.
struct Shard {
  int index = 1;
  int count = 1;
  static Shard parse(const std::string& text);  // throws bbs::Error
  bool owns(std::int64_t position) const { return position % count == index - 1; }
};

// The ordinals a grid (all) or random strategy (samples distinct ordinals drawn with the seed,
// ascending) evaluates, restricted to `shard`. NSGA-II generates its points as it goes.
std::vector<std::int64_t> planned_points(const DesignSpace& space, const Strategy& strategy,
                                         const Shard& shard);

}  // namespace bbs::dse
