#include "dse/design_space.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "networks/tensor.hpp"

namespace bbs::dse {
namespace {

std::string canonical_key(const std::string& accel, const std::vector<std::string>& sets) {
  std::map<std::string, std::string> settings;  // later sets win, as in load_hardware
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    settings[s.substr(0, eq)] = eq == std::string::npos ? "" : s.substr(eq + 1);
  }
  std::string key = "accel=" + accel;
  for (const auto& [k, v] : settings) key += ";" + k + "=" + v;
  return key;
}

}  // namespace

DesignSpace::DesignSpace(const CampaignSpec& campaign) : campaign_(&campaign) {
  for (std::size_t w = 0; w < campaign.workloads.size(); ++w)
    for (std::size_t d = 0; d < campaign.designs.size(); ++d) {
      const DesignSpec& design = campaign.designs[d];
      if (!design.applies_to(campaign.workloads[w])) continue;
      std::int64_t points = 1;
      for (const auto& axis : design.axes) points *= std::int64_t(axis.values.size());
      blocks_.push_back({w, d, total_, points});
      total_ += points;
    }
}

DesignPoint DesignSpace::at(std::int64_t ordinal) const {
  if (ordinal < 0 || ordinal >= total_)
    throw Error("design point " + std::to_string(ordinal) + " outside the space of " +
                std::to_string(total_));
  const auto block =
      std::prev(std::upper_bound(blocks_.begin(), blocks_.end(), ordinal,
                                 [](std::int64_t o, const Block& b) { return o < b.first; }));
  DesignPoint p;
  p.ordinal = ordinal;
  p.workload = block->workload;
  p.design = block->design;
  std::int64_t rest = ordinal - block->first;
  const DesignSpec& d = campaign_->designs[p.design];
  p.accel = d.accel;
  p.sets = d.sets;
  for (auto axis = d.axes.rbegin(); axis != d.axes.rend(); ++axis) {  // last axis fastest
    const auto n = std::int64_t(axis->values.size());
    p.sets.insert(p.sets.begin() + std::ptrdiff_t(d.sets.size()),
                  axis->key + "=" + axis->values[std::size_t(rest % n)]);
    rest /= n;
  }
  p.key = canonical_key(p.accel, p.sets);
  return p;
}

std::optional<std::int64_t> DesignSpace::first_ordinal(std::size_t workload,
                                                       std::size_t design) const {
  for (const Block& b : blocks_)
    if (b.workload == workload && b.design == design) return b.first;
  return std::nullopt;
}

Shard Shard::parse(const std::string& text) {
  Shard s;
  const auto slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    s.index = std::stoi(text.substr(0, slash));
    s.count = std::stoi(text.substr(slash + 1));
  } catch (const std::exception&) {
    throw Error("--shard '" + text + "': expected K/N, e.g. 2/8");
  }
  if (s.count < 1 || s.index < 1 || s.index > s.count)
    throw Error("--shard '" + text + "': expected 1 <= K <= N");
  return s;
}

std::vector<std::int64_t> planned_points(const DesignSpace& space, const Strategy& strategy,
                                         const Shard& shard) {
  std::vector<std::int64_t> chosen;
  if (strategy.kind == StrategyKind::Random && strategy.samples < space.size()) {
    // Floyd's algorithm: `samples` distinct ordinals, uniformly, from one seeded generator.
    std::mt19937_64 rng(strategy.seed);
    std::set<std::int64_t> picked;
    for (std::int64_t j = space.size() - strategy.samples; j < space.size(); ++j) {
      const std::int64_t t = std::uniform_int_distribution<std::int64_t>(0, j)(rng);
      picked.insert(picked.count(t) ? j : t);
    }
    chosen.assign(picked.begin(), picked.end());
  } else {
    chosen.resize(std::size_t(space.size()));
    for (std::int64_t i = 0; i < space.size(); ++i) chosen[std::size_t(i)] = i;
  }
  std::vector<std::int64_t> mine;
  for (std::size_t position = 0; position < chosen.size(); ++position)
    if (shard.owns(std::int64_t(position))) mine.push_back(chosen[position]);
  return mine;
}

}  // namespace bbs::dse
