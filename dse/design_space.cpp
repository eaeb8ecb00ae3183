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
  for (const auto& d : campaign.designs) {
    std::int64_t points = 1;
    for (const auto& axis : d.axes) points *= std::int64_t(axis.values.size());
    design_sizes_.push_back(points);
    per_workload_ += points;
  }
  total_ = per_workload_ * std::int64_t(campaign.workloads.size());
}

DesignPoint DesignSpace::at(std::int64_t ordinal) const {
  if (ordinal < 0 || ordinal >= total_)
    throw Error("design point " + std::to_string(ordinal) + " outside the space of " +
                std::to_string(total_));
  DesignPoint p;
  p.ordinal = ordinal;
  p.workload = std::size_t(ordinal / per_workload_);
  std::int64_t rest = ordinal % per_workload_;
  while (rest >= design_sizes_[p.design]) rest -= design_sizes_[p.design++];
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

std::int64_t DesignSpace::first_ordinal(std::size_t workload, std::size_t design) const {
  std::int64_t ordinal = std::int64_t(workload) * per_workload_;
  for (std::size_t d = 0; d < design; ++d) ordinal += design_sizes_[d];
  return ordinal;
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
