#include "dse/design_space.hpp"

#include <algorithm>
#include <cctype>
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
  // Every product and sum is checked: a space of 2^63 points or more cannot be numbered.
  auto too_large = [&](const std::string& key) {
    return Error(campaign.where(key) +
                 " makes the design space larger than 2^63 - 1 points; "
                 "expected fewer values per axis");
  };
  for (std::size_t w = 0; w < campaign.workloads.size(); ++w)
    for (std::size_t d = 0; d < campaign.designs.size(); ++d) {
      const DesignSpec& design = campaign.designs[d];
      if (!design.applies_to(campaign.workloads[w])) continue;
      std::int64_t points = 1;
      for (const auto& axis : design.axes)
        if (__builtin_mul_overflow(points, axis.size(), &points))
          throw too_large("design[" + std::to_string(d) + "].axes." + axis.key);
      blocks_.push_back({w, d, total_, points});
      if (__builtin_add_overflow(total_, points, &total_))
        throw too_large("design[" + std::to_string(d) + "]");
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
    const std::int64_t n = axis->size();
    p.sets.insert(p.sets.begin() + std::ptrdiff_t(d.sets.size()),
                  axis->key + "=" + axis->value(rest % n));
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
  // Both numbers whole: "1/3/5" or "1/3x" is not read as 1/3.
  auto whole_number = [&](const std::string& part, int& out) {
    std::size_t used = 0;
    try {
      out = std::stoi(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (part.empty() || used != part.size() || !std::isdigit(static_cast<unsigned char>(part[0])))
      throw Error("--shard '" + text + "': expected K/N with whole numbers, e.g. 2/8");
  };
  if (slash == std::string::npos)
    throw Error("--shard '" + text + "': expected K/N with whole numbers, e.g. 2/8");
  whole_number(text.substr(0, slash), s.index);
  whole_number(text.substr(slash + 1), s.count);
  if (s.count < 1 || s.index < 1 || s.index > s.count)
    throw Error("--shard '" + text + "': expected 1 <= K <= N");
  return s;
}

std::vector<std::int64_t> planned_points(const DesignSpace& space, const Strategy& strategy,
                                         const Shard& shard) {
  const bool sampled = strategy.kind == StrategyKind::Random && strategy.samples < space.size();
  const std::int64_t chosen = sampled ? strategy.samples : space.size();
  // This shard's positions K-1, K-1+N, ... below `chosen`, counted before anything is allocated.
  const std::int64_t first = shard.index - 1;
  const std::int64_t mine = chosen > first ? (chosen - first - 1) / shard.count + 1 : 0;
  if (mine > kMaxPointsPerRun)
    throw Error("the design space has " + std::to_string(space.size()) + " points and this run (" +
                "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                ") would evaluate " + std::to_string(mine) + "; expected at most " +
                std::to_string(kMaxPointsPerRun) +
                " per run: sample it ([strategy] kind = \"random\", samples = ...), search it "
                "(kind = \"nsga2\"), or shard it (--shard K/N with N >= " +
                std::to_string((chosen + kMaxPointsPerRun - 1) / kMaxPointsPerRun) + ")");
  std::vector<std::int64_t> out;
  out.reserve(std::size_t(mine));
  if (!sampled) {
    for (std::int64_t ordinal = first; ordinal < chosen; ordinal += shard.count)
      out.push_back(ordinal);
    return out;
  }
  // Floyd's algorithm: `samples` distinct ordinals, uniformly, from one seeded generator.
  std::mt19937_64 rng(strategy.seed);
  std::set<std::int64_t> picked;
  for (std::int64_t j = space.size() - strategy.samples; j < space.size(); ++j) {
    const std::int64_t t = std::uniform_int_distribution<std::int64_t>(0, j)(rng);
    picked.insert(picked.count(t) ? j : t);
  }
  std::int64_t position = 0;
  for (const std::int64_t ordinal : picked)
    if (shard.owns(position++)) out.push_back(ordinal);
  return out;
}

}  // namespace bbs::dse
