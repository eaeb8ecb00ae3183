// The synthetic generator's variates (networks/synthetic/synthetic_kernel.hpp): their law against
// the exact Gaussian and Student-t(20) CDFs, and the block (vectorised) path against the
// one-element (scalar) path.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "networks/synthetic/synthetic_kernel.hpp"

namespace bbs::networks::synthetic {
namespace {

constexpr std::int64_t kSample = 1 << 21;

std::vector<double> sample(int nu, std::int64_t first, std::int64_t count,
                           std::uint64_t key = 0x5eed) {
  std::vector<float> values(static_cast<std::size_t>(count));
  Scratch scratch;
  unit_values(TensorStreams(key), nu, first, first + count, values.data(), scratch);
  return {values.begin(), values.end()};
}

// Student-t CDF for an even nu (Abramowitz & Stegun 26.7.3): with x = t / sqrt(nu + t^2),
// F(t) = 1/2 + x/2 sum_{k < nu/2} a_k (1 - x^2)^k, a_0 = 1, a_k = a_(k-1) (2k - 1) / (2k).
double student_cdf(double t, int nu) {
  const double x = t / std::sqrt(nu + t * t);
  double a = 1.0, power = 1.0, sum = 0.0;
  for (int k = 0; k < nu / 2; ++k) {
    if (k > 0) a *= (2.0 * k - 1.0) / (2.0 * k);
    sum += a * power;
    power *= 1.0 - x * x;
  }
  return 0.5 + 0.5 * x * sum;
}

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Kolmogorov-Smirnov distance between the sample and a CDF.
template <class Cdf>
double ks_distance(std::vector<double> values, Cdf cdf) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double d = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double f = cdf(values[i]);
    d = std::max({d, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return d;
}

// P(sqrt(n) D > 1.95) = 0.001 for a sample of the law (Kolmogorov distribution).
constexpr double kKsCritical = 1.95;

TEST(SyntheticVariates, GaussianMatchesTheExactCdf) {
  const std::vector<double> z = sample(0, 0, kSample);
  EXPECT_LT(ks_distance(z, normal_cdf) * std::sqrt(double(kSample)), kKsCritical);
}

TEST(SyntheticVariates, StudentTMatchesTheExactCdf) {
  // unit_values scales Student-t(20) to unit variance: divide by sqrt(18 / 20) to compare.
  std::vector<double> t = sample(20, 0, kSample);
  for (double& v : t) v /= std::sqrt(18.0 / 20.0);
  EXPECT_LT(
      ks_distance(t, [](double x) { return student_cdf(x, 20); }) * std::sqrt(double(kSample)),
      kKsCritical);
}

struct Moments {
  double mean, variance, excess_kurtosis;
};

Moments moments(const std::vector<double>& values) {
  double m1 = 0.0, m2 = 0.0, m4 = 0.0;
  for (double v : values) {
    m1 += v;
    m2 += v * v;
    m4 += v * v * v * v;
  }
  const double n = static_cast<double>(values.size());
  m1 /= n, m2 /= n, m4 /= n;
  return {m1, m2, m4 / (m2 * m2) - 3.0};
}

// Moments of the unit-variance Student-t(20): mean 0, variance 1, excess kurtosis 6 / (nu - 4) =
// 0.375. Standard errors at n = 2^21: mean 1/sqrt(n) = 7e-4; variance sqrt((E z^4 - 1) / n) =
// sqrt(2.375 / n) = 1.1e-3; fourth moment sqrt((E z^8 - (E z^4)^2) / n) with E z^8 = 227.8
// (E t^8 = nu^4 105 / ((nu-2)(nu-4)(nu-6)(nu-8)), over the variance^4): 1.0e-2. Tolerances are
// five standard errors.
TEST(SyntheticVariates, StudentTMoments) {
  const Moments m = moments(sample(20, 0, kSample));
  EXPECT_NEAR(m.mean, 0.0, 5 * 7e-4);
  EXPECT_NEAR(m.variance, 1.0, 5 * 1.1e-3);
  EXPECT_NEAR(m.excess_kurtosis, 0.375, 5 * 1.0e-2);
}

// The heaviest tails allowed, nu = 6: variance 1 (standard error sqrt((E z^4 - 1) / n) = sqrt(5 /
// n) = 1.5e-3) and excess kurtosis 6 / (nu - 4) = 3. E t^8 is infinite at nu = 6, so the sample
// fourth moment has no standard error: t^4 has a tail of index 3/2 and its mean converges as
// n^(-1/3) (a stable law). Over twelve keys at n = 2^21 it spread by 0.15 (2.74 ... 3.20): the
// tolerance is three times that.
TEST(SyntheticVariates, StudentT6Moments) {
  for (std::uint64_t key : {0x5eedULL, 0x1234ULL}) {
    const Moments m = moments(sample(6, 0, kSample, key));
    EXPECT_NEAR(m.mean, 0.0, 5 * 7e-4) << key;
    EXPECT_NEAR(m.variance, 1.0, 5 * 1.5e-3) << key;
    EXPECT_NEAR(m.excess_kurtosis, 3.0, 0.45) << key;
  }
}

// The block path (vectorised loops) and the one-element path give the same bits, for ranges
// that start and end on odd indices (half normal pairs) and for both laws.
TEST(SyntheticVariates, BlockPathEqualsScalarPath) {
  const TensorStreams streams(0x5eed);
  for (int nu : {0, 20, 6}) {
    const std::int64_t first = 3, count = 1001;
    const std::vector<double> block = sample(nu, first, count);
    for (std::int64_t j = 0; j < count; ++j)
      ASSERT_EQ(block[std::size_t(j)], unit_value(streams, nu, first + j))
          << "nu " << nu << " index " << first + j;
  }
}

// The same where the 32-bit counters carry into their high halves (elements and normal pairs
// past 2^32) and across the block path's chunks of 2^20 elements.
TEST(SyntheticVariates, BlockPathEqualsScalarPathPastCounterCarries) {
  const TensorStreams streams(0x5eed);
  const std::int64_t first = (std::int64_t(1) << 33) - 7, count = 40;
  for (int nu : {0, 20}) {
    const std::vector<double> block = sample(nu, first, count);
    for (std::int64_t j = 0; j < count; ++j)
      ASSERT_EQ(block[std::size_t(j)], unit_value(streams, nu, first + j))
          << "nu " << nu << " index " << first + j;
  }
  const std::int64_t chunk = std::int64_t(1) << 20, long_count = chunk + 9;
  const std::vector<double> long_block = sample(20, 1, long_count);
  for (std::int64_t j = chunk - 9; j < long_count; ++j)
    ASSERT_EQ(long_block[std::size_t(j)], unit_value(streams, 20, 1 + j)) << "index " << 1 + j;
}

TEST(SyntheticVariates, UnsupportedNuIsRefused) {
  for (int nu : {2, 7, 22}) {
    EXPECT_THROW(sample(nu, 0, 4), Error) << nu;
    EXPECT_THROW(unit_value(TensorStreams(1), nu, 0), Error) << nu;
  }
}

// The values are pinned: the same bits on every machine and -march (IEEE arithmetic only, no
// contraction). Printed on x86-64 with -march=native (AVX2 + FMA); the same bits come from GCC 12
// at -march=x86-64 (SSE2), x86-64-v3 and -O0 (unvectorised) and from Clang 14; with FMA
// contraction allowed they do not.
TEST(SyntheticVariates, PinnedValues) {
  const std::vector<double> z = sample(0, 0, 4), t = sample(20, 1000000, 4);
  const std::vector<float> expected_z = {0x1.27bc08p+0f, 0x1.6f46acp-2f, -0x1.2ba398p-2f,
                                         -0x1.065e3ep+0f};
  const std::vector<float> expected_t = {-0x1.59998cp-6f, 0x1.f78a3p-1f, 0x1.19b474p+1f,
                                         -0x1.0c43e2p-1f};
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_EQ(z[j], expected_z[j]) << std::hexfloat << z[j];
    EXPECT_EQ(t[j], expected_t[j]) << std::hexfloat << t[j];
  }
}

// All the bits of 2^20 + 3 values per law (block path, from an odd index) and 1000 of the scalar
// path, folded into one FNV-1a checksum: pinned as above (the same from every -march, -O0 and
// Clang 14).
TEST(SyntheticVariates, PinnedChecksum) {
  std::uint64_t checksum = 0xcbf29ce484222325ULL;
  const auto fold = [&checksum](float value) {
    checksum = (checksum ^ std::bit_cast<std::uint32_t>(value)) * 0x100000001b3ULL;
  };
  const TensorStreams streams(99);
  std::vector<float> values((1 << 20) + 3);
  Scratch scratch;
  for (int nu : {0, 6, 20}) {
    unit_values(streams, nu, 5, 5 + std::int64_t(values.size()), values.data(), scratch);
    for (float v : values) fold(v);
    for (std::int64_t j = 0; j < 1000; ++j) fold(unit_value(streams, nu, 5 + j));
  }
  EXPECT_EQ(checksum, 0xb2eb570b02c00c7aULL) << std::hex << checksum;
}

}  // namespace
}  // namespace bbs::networks::synthetic
