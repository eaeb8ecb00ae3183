#include "model/bbs/sensitive.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "model/bbs/int8_sums.hpp"
#include "networks/tensor.hpp"

namespace bbs {
namespace {

struct ChannelRef {
  double score;
  std::size_t layer;
  std::size_t channel;
};

bool higher_score_first(const ChannelRef& a, const ChannelRef& b) {
  if (a.score != b.score) return a.score > b.score;
  if (a.layer != b.layer) return a.layer < b.layer;
  return a.channel < b.channel;
}

}  // namespace

std::vector<std::vector<bool>> select_sensitive_channels(
    const std::vector<std::vector<double>>& scores, double fraction, int channel_multiple) {
  if (!(fraction >= 0.0 && fraction <= 1.0))
    throw Error("--sensitive " + std::to_string(fraction) + ": expected a fraction in [0, 1]");
  if (channel_multiple < 1)
    throw Error("channel multiple " + std::to_string(channel_multiple) + ": expected >= 1");
  std::vector<ChannelRef> all;
  for (std::size_t l = 0; l < scores.size(); ++l)
    for (std::size_t k = 0; k < scores[l].size(); ++k) all.push_back({scores[l][k], l, k});
  const auto global_count = std::size_t(std::ceil(fraction * double(all.size()) - 1e-9));
  std::sort(all.begin(), all.end(), higher_score_first);

  std::vector<std::size_t> per_layer(scores.size(), 0);
  for (std::size_t i = 0; i < global_count; ++i) ++per_layer[all[i].layer];

  std::vector<std::vector<bool>> sensitive(scores.size());
  for (std::size_t l = 0; l < scores.size(); ++l) {
    const std::size_t channels = scores[l].size();
    const std::size_t multiple = std::size_t(channel_multiple);
    const std::size_t wanted =
        std::min(channels, (per_layer[l] + multiple - 1) / multiple * multiple);
    std::vector<std::size_t> order(channels);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return scores[l][a] > scores[l][b]; });
    sensitive[l].assign(channels, false);
    for (std::size_t i = 0; i < wanted; ++i) sensitive[l][order[i]] = true;
  }
  return sensitive;
}

// Integer sums (int8_sums): the same values as summing the doubles one by one.
std::vector<double> channel_std(std::span<const std::int8_t> values, std::int64_t channels) {
  const std::size_t per_channel = values.size() / std::size_t(channels);
  std::vector<double> result(static_cast<std::size_t>(channels));
  for (std::size_t k = 0; k < result.size(); ++k) {
    const Int8Sums s = int8_sums(values.subspan(k * per_channel, per_channel));
    const double mean = double(s.sum) / double(per_channel);
    result[k] = std::sqrt(std::max(0.0, double(s.sum_sq) / double(per_channel) - mean * mean));
  }
  return result;
}

}  // namespace bbs
