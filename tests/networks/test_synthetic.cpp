// The synthetic generator's variates (networks/synthetic/synthetic_kernel.hpp): their law against
// the exact Gaussian and Student-t(20) CDFs, and the block (vectorised) path against the
// one-element (scalar) path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "networks/synthetic/synthetic_kernel.hpp"

namespace bbs::networks::synthetic {
namespace {

constexpr std::int64_t kSample = 1 << 21;

std::vector<double> sample(int nu, std::int64_t first, std::int64_t count) {
  std::vector<double> values(static_cast<std::size_t>(count));
  Scratch scratch;
  unit_values(TensorStreams(0x5eed), nu, first, first + count, values.data(), scratch);
  return values;
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

// Moments of the unit-variance Student-t(20): mean 0, variance 1, excess kurtosis 6 / (nu - 4) =
// 0.375. Standard errors at n = 2^21: mean 1/sqrt(n) = 7e-4; variance sqrt((E z^4 - 1) / n) =
// sqrt(2.375 / n) = 1.1e-3; fourth moment sqrt((E z^8 - (E z^4)^2) / n) with E z^8 = 227.8
// (E t^8 = nu^4 105 / ((nu-2)(nu-4)(nu-6)(nu-8)), over the variance^4): 1.0e-2. Tolerances are
// five standard errors.
TEST(SyntheticVariates, StudentTMoments) {
  const std::vector<double> t = sample(20, 0, kSample);
  double m1 = 0.0, m2 = 0.0, m4 = 0.0;
  for (double v : t) {
    m1 += v;
    m2 += v * v;
    m4 += v * v * v * v;
  }
  const double n = static_cast<double>(t.size());
  m1 /= n, m2 /= n, m4 /= n;
  EXPECT_NEAR(m1, 0.0, 5 * 7e-4);
  EXPECT_NEAR(m2, 1.0, 5 * 1.1e-3);
  EXPECT_NEAR(m4 / (m2 * m2) - 3.0, 0.375, 5 * 1.0e-2);
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

TEST(SyntheticVariates, UnsupportedNuIsRefused) {
  for (int nu : {2, 7, 22}) {
    EXPECT_THROW(sample(nu, 0, 4), Error) << nu;
    EXPECT_THROW(unit_value(TensorStreams(1), nu, 0), Error) << nu;
  }
}

// The values are pinned: the same bits on every machine and -march (IEEE arithmetic only, no
// contraction). Printed on x86-64 with -march=native (AVX2 + FMA); the same bits come from
// -march=x86-64 (SSE2), x86-64-v3 and -O0 (unvectorised); with FMA contraction allowed they do not.
TEST(SyntheticVariates, PinnedValues) {
  const std::vector<double> z = sample(0, 0, 4), t = sample(20, 1000000, 4);
  const std::vector<double> expected_z = {0x1.ae9a75a2167f8p-2, -0x1.f2d1f316204e1p-2,
                                          -0x1.18d297ede3fdbp+1, 0x1.48f74e5c14645p+0};
  const std::vector<double> expected_t = {-0x1.f99e2c98acdc8p-7, 0x1.f0b61c69988fap+0,
                                          0x1.db6f0ce263f37p-1, 0x1.7a389a7a4b58ap-2};
  for (std::size_t j = 0; j < 4; ++j) {
    EXPECT_EQ(z[j], expected_z[j]) << std::hexfloat << z[j];
    EXPECT_EQ(t[j], expected_t[j]) << std::hexfloat << t[j];
  }
}

}  // namespace
}  // namespace bbs::networks::synthetic
