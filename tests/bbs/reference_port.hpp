// A literal, slow transliteration of the authors' reference pruners (yc2367/BBS-MICRO,
// binary_pruning.py and bit_flip.py) for ONE group, kept deliberately close to the original's
// column loops (bit planes with index 0 = MSB, prune_until / test_until pointers, brute-force
// candidate scans, float32 arithmetic where the original uses it). The engine's closed-form
// pruners are checked against it; nothing in the product uses this file.
#pragma once

#include <array>
#include <cmath>
#include <vector>

namespace bbs::reference {

using Planes = std::array<std::vector<float>, 8>;  // [column][weight], column 0 = MSB

inline Planes int_to_binary(const std::vector<float>& values, int bits) {
  Planes planes;
  for (int k = 0; k < bits; ++k) planes[k].assign(values.size(), 0.f);
  std::vector<float> v = values;
  for (int k = bits - 1; k >= 0; --k)
    for (std::size_t i = 0; i < v.size(); ++i) {
      const float rem = std::fmod(v[i], 2.f);
      planes[k][i] = rem;
      v[i] = std::nearbyint((v[i] - rem) / 2.f);
    }
  return planes;
}

inline Planes twos_complement(const std::vector<float>& w) {
  std::vector<float> v = w;
  std::vector<bool> negative(w.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    if ((negative[i] = v[i] < 0)) v[i] = 128.f + v[i];
  Planes p = int_to_binary(v, 8);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (negative[i]) p[0][i] = 1.f;
  return p;
}

inline std::vector<float> from_twos_complement(const Planes& p) {
  std::vector<float> out(p[0].size(), 0.f);
  for (int k = 7; k >= 0; --k)
    for (std::size_t i = 0; i < out.size(); ++i)
      out[i] += (k != 0 ? 1.f : -1.f) * p[k][i] * std::ldexp(1.f, 7 - k);
  return out;
}

inline Planes sign_magnitude(const std::vector<float>& w) {
  std::vector<float> v = w;
  std::vector<bool> negative(w.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == -128.f) v[i] = -127.f;
    if ((negative[i] = v[i] < 0)) v[i] = -v[i];
  }
  Planes p = int_to_binary(v, 8);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (negative[i]) p[0][i] = 1.f;
  return p;
}

inline std::vector<float> from_sign_magnitude(const Planes& p) {
  std::vector<float> out(p[0].size(), 0.f);
  for (int k = 7; k >= 1; --k)
    for (std::size_t i = 0; i < out.size(); ++i) out[i] += p[k][i] * std::ldexp(1.f, 7 - k);
  for (std::size_t i = 0; i < out.size(); ++i)
    if (p[0][i] == 1.f) out[i] = -out[i];
  return out;
}

inline bool column_all(const Planes& p, int column, float value) {
  for (float b : p[column])
    if (b != value) return false;
  return true;
}

inline bool columns_equal(const Planes& p, int a, int b) {
  for (std::size_t i = 0; i < p[a].size(); ++i)
    if (p[a][i] != p[b][i]) return false;
  return true;
}

inline std::vector<float> low_value(const Planes& p, int from) {
  std::vector<float> v(p[0].size(), 0.f);
  for (int k = 7; k >= from; --k)
    for (std::size_t i = 0; i < v.size(); ++i) v[i] += p[k][i] * std::ldexp(1.f, 7 - k);
  return v;
}

inline void write_low(Planes& p, int from, const std::vector<float>& values) {
  const Planes bits = int_to_binary(values, 8 - from);
  for (int k = from; k < 8; ++k) p[k] = bits[k - from];
}

// roundAvg_fc on one group.
inline std::vector<float> round_avg(const std::vector<float>& w, int num_pruned_column) {
  Planes p = twos_complement(w);
  int prune_until = 8 - num_pruned_column;
  bool eq_msb = true;
  for (int i = 1; i < 8 - 4; ++i) {
    eq_msb = eq_msb && columns_equal(p, 0, i);
    if (eq_msb) ++prune_until;
  }
  for (int prune_idx = 8 - num_pruned_column; prune_idx < 8; ++prune_idx) {
    if (prune_until != prune_idx) continue;
    std::vector<float> values = low_value(p, prune_idx);
    float sum = 0.f;
    for (float v : values) sum += v;
    const float mean = std::nearbyint(sum / float(values.size()));
    write_low(p, prune_idx, std::vector<float>(values.size(), mean));
  }
  return from_twos_complement(p);
}

// Rounds columns [test_until, 8) to the best multiple of 2^(8 - prune_until), as both the
// zero-point and bit-flip references do.
inline void round_tested_columns(Planes& p, int test_until, int prune_until, int num_pruned) {
  for (int prune_idx = 8 - num_pruned; prune_idx < 8; ++prune_idx)
    for (int test_idx = 1; test_idx < prune_idx; ++test_idx) {
      if (test_until != test_idx || prune_until != prune_idx) continue;
      const std::vector<float> value_test = low_value(p, test_idx);
      std::vector<float> error(value_test.size(), 1e7f), value_new(value_test.size(), 0.f);
      for (int n = 0; n < (1 << (prune_idx - test_idx)); ++n) {
        const float candidate = float(n) * std::ldexp(1.f, 8 - prune_idx);
        for (std::size_t i = 0; i < value_test.size(); ++i) {
          const float e = (candidate - value_test[i]) * (candidate - value_test[i]);
          if (e < error[i]) {
            error[i] = e;
            value_new[i] = candidate;
          }
        }
      }
      write_low(p, test_idx, value_new);
    }
}

// zeroPointShifting_fc on one group.
inline std::vector<float> zero_point(const std::vector<float>& w, int num_pruned_column,
                                     int const_bitwidth) {
  const int offset_min = -(1 << (const_bitwidth - 1)), offset_max = 1 << (const_bitwidth - 1);
  std::vector<float> best(w.size(), 0.f);
  float best_error = 1e7f;
  for (int offset = offset_min; offset < offset_max; ++offset) {
    std::vector<float> shifted(w.size());
    for (std::size_t i = 0; i < w.size(); ++i)
      shifted[i] = std::fmin(std::fmax(w[i] + float(offset), -127.f), 127.f);
    Planes p = sign_magnitude(shifted);
    int prune_until = 8 - num_pruned_column, test_until = 1;
    bool msb_zero = true;
    for (int i = 1; i < 8; ++i) {
      msb_zero = msb_zero && column_all(p, i, 0.f);
      if (msb_zero) ++prune_until, ++test_until;
    }
    round_tested_columns(p, test_until, prune_until, num_pruned_column);
    std::vector<float> candidate = from_sign_magnitude(p);
    float error = 0.f;
    for (std::size_t i = 0; i < w.size(); ++i) {
      candidate[i] -= float(offset);
      error += (candidate[i] - w[i]) * (candidate[i] - w[i]);
    }
    if (error < best_error) {
      best_error = error;
      best = candidate;
    }
  }
  return best;
}

// bitFlip_fc on one group.
inline std::vector<float> bit_flip(const std::vector<float>& w, int num_pruned_column) {
  Planes p = sign_magnitude(w);
  std::array<bool, 8> zero{};
  for (int i = 0; i < 8; ++i) zero[i] = column_all(p, i, 0.f);
  int prune_until = 8 - num_pruned_column;
  for (int i = 1; i < 8; ++i)
    if (prune_until > i && zero[i]) ++prune_until;
  int test_until = 1;
  for (int i = 1; i < 8; ++i)
    if (prune_until > i && zero[i]) test_until = i + 1;
  round_tested_columns(p, test_until, prune_until, num_pruned_column);
  return from_sign_magnitude(p);
}

}  // namespace bbs::reference
