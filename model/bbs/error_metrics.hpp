// Weight error of pruning:
//   MSE  = sum (W' - W)^2 / n                       (integer units, W = int8 weights)
//   SQNR = 10 log10( sum W^2 / sum (W' - W)^2 ) dB   (infinite when nothing changed)
// and, for float input, the same against the float weights (quantization + pruning error):
//   SQNR_float = 10 log10( sum w^2 / sum (scale * W' - w)^2 )
#pragma once

#include <cstdint>
#include <span>

namespace bbs {

struct ErrorMetrics {
  std::int64_t count = 0;
  double signal_sq = 0;  // sum W^2
  double error_sq = 0;   // sum (W' - W)^2
  bool has_float = false;
  double float_signal_sq = 0;
  double float_error_sq = 0;

  void add(const ErrorMetrics& other);
  double mse() const;
  double sqnr_db() const;
  double float_sqnr_db() const;  // NaN when no float reference
};

// Adds the integer terms of a run of weights. Every term and partial sum is an integer below 2^53,
// so the totals are exact whatever order runs are added in.
void add_integer_error(ErrorMetrics& metrics, std::span<const std::int8_t> original,
                       std::span<const std::int16_t> pruned);
// The same for weights left as they are (no error): only the signal.
void add_unchanged(ErrorMetrics& metrics, std::span<const std::int8_t> original);
// Adds the float-domain terms; canonical order, scales per output channel.
void add_float_error(ErrorMetrics& metrics, std::span<const float> original,
                     std::span<const std::int16_t> pruned, std::span<const double> scales);

}  // namespace bbs
