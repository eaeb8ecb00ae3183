// Counter-based Gaussian and Student-t variates (synthetic_kernel.hpp).
//
//   normal pair p: Box-Muller (Box & Muller 1958) from draws a = 2p, b = 2p + 1:
//     r = sqrt(-2 ln u), u = uniform53(a) in (0, 1);  theta = q pi/2 + phi with q = the top two
//     bits of b and phi = (pi/2) g, g = the low 52 bits of b as a uniform in [-1/2, 1/2): theta is
//     uniform on the circle; the pair is (r cos theta, r sin theta).
//   Student-t(nu), nu even, element i: z sqrt(nu / chi2) x sqrt((nu - 2) / nu) (unit variance)
//     = z sqrt(((nu - 2) / 2) / -ln P), chi2 = -2 ln P, P = the product of nu / 2 uniforms
//     (-ln of a uniform is Exp(1); a sum of nu / 2 of them is Gamma(nu / 2), half a chi-square
//     with nu degrees of freedom). The uniforms are the 32-bit halves of draws i ceil(nu/4) + d,
//     high half first, each (2k + 1) 2^-33: P >= 2^(-33 nu/2), far above double underflow.
//   z of element i is member i % 2 of normal pair i / 2.
#include "networks/synthetic/synthetic_kernel.hpp"

#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"

namespace bbs::networks::synthetic {
namespace {

constexpr std::uint64_t kOneBits = 0x3ff0000000000000ULL;  // bits of 1.0

// (2k + 1) 2^-53 for the low 52 bits k of x: in (0, 1), never 0. 1 + k 2^-52 minus
// 1 - 2^-53 is exact (the result is representable).
inline double uniform53(std::uint64_t x) {
  return std::bit_cast<double>(kOneBits | (x & 0xfffffffffffffULL)) - (1.0 - 0x1.0p-53);
}

// (2k + 1) 2^-33 for a 32-bit k: in (0, 1), exact as above.
inline double uniform32(std::uint64_t k) {
  return std::bit_cast<double>(kOneBits | (k << 20)) - (1.0 - 0x1.0p-33);
}

// ln x for a normal double x > 2^-1000, from + - x / only. x = 2^e m, m in [sqrt(1/2), sqrt(2));
// ln m = 2 atanh(s) = 2 (s + s^3/3 + ... + s^19/19), s = (m - 1) / (m + 1), |s| <= 0.1716:
// the first omitted term is below 2^-55 of the sum. e ln 2 with ln 2 split in a 32-bit head
// (e x head exact) and a tail. All integer steps are unsigned adds, shifts and masks, and e
// becomes a double through the 2^52 bias, so the compiler vectorises it without AVX-512.
inline double log_positive(double x) {
  constexpr std::uint64_t kSqrtHalfBits = 0x3fe6a09e667f3bcdULL;  // bits of sqrt(1/2)
  constexpr std::uint64_t kBias = 1024;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
  const std::uint64_t biased_e = (bits - kSqrtHalfBits + (kBias << 52)) >> 52;  // e + 1024
  const double m = std::bit_cast<double>(bits - (biased_e << 52) + (kBias << 52));
  const double e = std::bit_cast<double>(0x4330000000000000ULL | biased_e) - (0x1.0p52 + 1024.0);
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  // Horner in s^2 with 1 / (2k + 1), k = 9 ... 0 (written out: a loop here keeps the callers'
  // loops from vectorising)
  double series = 1.0 / 19;
  series = series * s2 + 1.0 / 17;
  series = series * s2 + 1.0 / 15;
  series = series * s2 + 1.0 / 13;
  series = series * s2 + 1.0 / 11;
  series = series * s2 + 1.0 / 9;
  series = series * s2 + 1.0 / 7;
  series = series * s2 + 1.0 / 5;
  series = series * s2 + 1.0 / 3;
  series = series * s2 + 1.0;
  constexpr double kLn2Head = 0x1.62e42fefa0000p-1;   // ln 2 to 32 bits
  constexpr double kLn2Tail = 0x1.cf79abc9e3b3ap-40;  // ln 2 - head
  return e * kLn2Head + (e * kLn2Tail + 2.0 * s * series);
}

// sin and cos of |phi| <= pi/4 by their Taylor series to phi^15 / phi^16 (first omitted term
// below 2^-54 of the value).
inline std::pair<double, double> sincos_quarter(double phi) {
  // Horner in phi^2 with (-1)^n / (2n + 1)!, n = 7 ... 0, and (-1)^n / (2n)!, n = 8 ... 1
  const double p2 = phi * phi;
  double sin_series = -1.0 / 1307674368000;
  sin_series = sin_series * p2 + 1.0 / 6227020800;
  sin_series = sin_series * p2 - 1.0 / 39916800;
  sin_series = sin_series * p2 + 1.0 / 362880;
  sin_series = sin_series * p2 - 1.0 / 5040;
  sin_series = sin_series * p2 + 1.0 / 120;
  sin_series = sin_series * p2 - 1.0 / 6;
  sin_series = sin_series * p2 + 1.0;
  double cos_series = 1.0 / 20922789888000;
  cos_series = cos_series * p2 - 1.0 / 87178291200;
  cos_series = cos_series * p2 + 1.0 / 479001600;
  cos_series = cos_series * p2 - 1.0 / 3628800;
  cos_series = cos_series * p2 + 1.0 / 40320;
  cos_series = cos_series * p2 - 1.0 / 720;
  cos_series = cos_series * p2 + 1.0 / 24;
  cos_series = cos_series * p2 - 1.0 / 2;
  return {phi * sin_series, cos_series * p2 + 1.0};
}

// Flip the sign of x when flip is 0 or 1 << 63.
inline double with_sign_flip(double x, std::uint64_t flip) {
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) ^ flip);
}

inline std::pair<double, double> normal_pair_inline(std::uint64_t key, std::uint64_t p) {
  const std::uint64_t a = draw(key, 2 * p), b = draw(key, 2 * p + 1);
  const double r = std::sqrt(-2.0 * log_positive(uniform53(a)));
  const double g = std::bit_cast<double>(kOneBits | (b & 0xfffffffffffffULL)) - 1.5;
  const auto [s, c] = sincos_quarter(g * (std::numbers::pi / 2));
  // Rotate (cos phi, sin phi) by q quarter turns: q = 0 (c, s), 1 (-s, c), 2 (-c, -s), 3 (s, -c).
  const std::uint64_t q = b >> 62;
  const bool odd = (q & 1) != 0;
  const double x = with_sign_flip(odd ? s : c, ((q + 1) & 2) << 62);
  const double y = with_sign_flip(odd ? c : s, (q & 2) << 62);
  return {r * x, r * y};
}

// Factor d of element i's chi-square product: one draw, its two 32-bit uniforms (only the high
// one for the last draw when nu / 2 is odd).
inline double chi2_factor(std::uint64_t key, int nu, std::int64_t i, int d) {
  const int draws = (nu / 2 + 1) / 2;
  const std::uint64_t x = draw(key, std::uint64_t(i) * std::uint64_t(draws) + std::uint64_t(d));
  const double high = uniform32(x >> 32);
  return 2 * d + 1 < nu / 2 ? high * uniform32(x & 0xffffffffULL) : high;
}

// Unit-variance Student-t factor sqrt(((nu - 2) / 2) / -ln P).
inline double student_scale(int nu, double product) {
  return std::sqrt((nu - 2.0) / 2.0 / -log_positive(product));
}

// The chi-square products of elements [first, first + count): with nu known at compile time
// the factor loop unrolls, the product stays in a register and the element loop vectorises.
// Factors multiply in the order of unit_value's loop (same bits).
template <int Nu>
void chi2_products(std::uint64_t key, std::int64_t first, std::int64_t count, double* product) {
  for (std::int64_t j = 0; j < count; ++j) {
    double p = 1.0;
    for (int d = 0; d < (Nu / 2 + 1) / 2; ++d) p *= chi2_factor(key, Nu, first + j, d);
    product[j] = p;
  }
}
using ChiSquareProducts = void (*)(std::uint64_t, std::int64_t, std::int64_t, double*);

// The supported nu: 4, 6, ..., 20 (0 is Gaussian and has no product).
constexpr ChiSquareProducts kChiSquareProducts[] = {
    chi2_products<4>,  chi2_products<6>,  chi2_products<8>,  chi2_products<10>, chi2_products<12>,
    chi2_products<14>, chi2_products<16>, chi2_products<18>, chi2_products<20>};

ChiSquareProducts chi2_products_for(int nu) {
  if (nu % 2 != 0 || nu < 4 || nu > 20)
    throw Error("synthetic weights: Student-t nu = " + std::to_string(nu) +
                ", expected 0 (Gaussian) or an even value in [4, 20]");
  return kChiSquareProducts[(nu - 4) / 2];
}

}  // namespace

std::uint64_t draw(std::uint64_t key, std::uint64_t n) {
  std::uint64_t z = key + (n + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::pair<double, double> normal_pair(std::uint64_t key, std::uint64_t p) {
  return normal_pair_inline(key, p);
}

void unit_values(const TensorStreams& streams, int nu, std::int64_t first, std::int64_t last,
                 double* out, Scratch& scratch) {
  const std::int64_t first_pair = first / 2, pairs = (last + 1) / 2 - first_pair;
  scratch.normals.resize(std::size_t(2 * pairs));
  double* normals = scratch.normals.data();
  for (std::int64_t p = 0; p < pairs; ++p) {
    const auto [c, s] = normal_pair_inline(streams.normal, std::uint64_t(first_pair + p));
    normals[2 * p] = c;
    normals[2 * p + 1] = s;
  }
  const std::int64_t count = last - first;
  const double* z = normals + (first - 2 * first_pair);
  if (nu == 0) {
    std::copy(z, z + count, out);
    return;
  }
  scratch.product.resize(std::size_t(count));
  double* product = scratch.product.data();
  chi2_products_for(nu)(streams.chi2, first, count, product);
  for (std::int64_t j = 0; j < count; ++j) out[j] = z[j] * student_scale(nu, product[j]);
}

double unit_value(const TensorStreams& streams, int nu, std::int64_t index) {
  const auto [c, s] = normal_pair_inline(streams.normal, std::uint64_t(index / 2));
  const double z = index % 2 ? s : c;
  if (nu == 0) return z;
  chi2_products_for(nu);  // refuses an unsupported nu
  double product = 1.0;
  for (int d = 0; d < (nu / 2 + 1) / 2; ++d) product *= chi2_factor(streams.chi2, nu, index, d);
  return z * student_scale(nu, product);
}

}  // namespace bbs::networks::synthetic
