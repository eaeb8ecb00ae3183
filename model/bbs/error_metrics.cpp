#include "model/bbs/error_metrics.hpp"

#include <cmath>
#include <limits>

#include "model/bbs/int8_sums.hpp"

namespace bbs {
namespace {
double decibels(double signal, double noise) {
  if (noise == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}
}  // namespace

void ErrorMetrics::add(const ErrorMetrics& o) {
  count += o.count;
  signal_sq += o.signal_sq;
  error_sq += o.error_sq;
  has_float = has_float || o.has_float;
  float_signal_sq += o.float_signal_sq;
  float_error_sq += o.float_error_sq;
}

double ErrorMetrics::mse() const { return count == 0 ? 0.0 : error_sq / double(count); }
double ErrorMetrics::sqnr_db() const { return decibels(signal_sq, error_sq); }
double ErrorMetrics::float_sqnr_db() const {
  return has_float ? decibels(float_signal_sq, float_error_sq)
                   : std::numeric_limits<double>::quiet_NaN();
}

void add_integer_error(ErrorMetrics& m, std::span<const std::int8_t> original,
                       std::span<const std::int16_t> pruned) {
  std::int64_t signal_sq = 0, error_sq = 0;
  for (std::size_t i = 0; i < original.size(); ++i) {
    const int w = original[i], d = pruned[i] - w;
    signal_sq += w * w;
    error_sq += d * d;
  }
  m.count += std::int64_t(original.size());
  m.signal_sq += double(signal_sq);
  m.error_sq += double(error_sq);
}

void add_unchanged(ErrorMetrics& m, std::span<const std::int8_t> original) {
  m.count += std::int64_t(original.size());
  m.signal_sq += double(int8_sums(original).sum_sq);
}

void add_float_error(ErrorMetrics& m, std::span<const float> original,
                     std::span<const std::int16_t> pruned, std::span<const double> scales) {
  const std::size_t per_channel = original.size() / scales.size();
  m.has_float = true;
  for (std::size_t i = 0; i < original.size(); ++i) {
    const double w = original[i];
    const double d = scales[i / per_channel] * double(pruned[i]) - w;
    m.float_signal_sq += w * w;
    m.float_error_sq += d * d;
  }
}

}  // namespace bbs
