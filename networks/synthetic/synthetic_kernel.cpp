// Counter-based Gaussian and Student-t variates (synthetic_kernel.hpp), in float32 on 8 lanes.
//
//   draw d of counter c in stream (inner, outer): a SplitMix-style generator (Steele, Lea & Flood,
//     "Fast splittable pseudorandom number generators", OOPSLA 2014) seeded per counter:
//     state = mix(c_lo ^ inner) + (outer ^ c_hi), draw = mix(state + d golden32), where mix is
//     C. Wellons' 32-bit "lowbias32" (github.com/skeeto/hash-prospector): 32-bit multiplies
//     only, so 8 lanes of vpmulld; the counter's first mix is shared by its draws.
//   normal pair p: Box-Muller (Box & Muller 1958) from draws 0 and 1 of counter p:
//     r = sqrt(-2 ln u), u = (k + 1/2) 2^-23 for the top 23 bits k of draw 0 (in (0, 1), exact);
//     theta = q pi/2 + phi with q = the top two bits of draw 1 and phi = (pi/2) g, g = its next
//     24 bits as a signed fraction in [-1/2, 1/2): theta is uniform on the circle; the pair is
//     (r cos theta, r sin theta).
//   Student-t(nu), nu even, element i: z sqrt(nu / chi2) x sqrt((nu - 2) / nu) (unit variance)
//     = z sqrt(((nu - 2) / 2) / -ln P), chi2 = -2 ln P, P = the product of nu / 2 uniforms
//     (-ln of a uniform is Exp(1); a sum of nu / 2 of them is Gamma(nu / 2), half a chi-square
//     with nu degrees of freedom). The uniforms are the 16-bit halves k of the first ceil(nu/4)
//     draws of counter i, high half first, each (2k + 1) 2^-17: the product of the odd integers
//     2k + 1 is formed in float (rescaled by a power of two to stay in range) and its ln takes
//     the powers of two off.
//   z of element i is member i % 2 of normal pair i / 2.
#include "networks/synthetic/synthetic_kernel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "core/error.hpp"

namespace bbs::networks::synthetic {
namespace {

constexpr std::uint32_t kGolden32 = 0x9e3779b9U;  // 2^32 / golden ratio

// lowbias32 (hash-prospector): a bijection of 32-bit words with low avalanche bias.
inline std::uint32_t mix32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// SplitMix64's finaliser (Steele et al. 2014): derives the stream keys.
std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The per-counter state that seeds its draws; c_lo and c_hi are the counter's 32-bit halves.
inline std::uint32_t counter_state(Stream stream, std::uint32_t c_lo, std::uint32_t c_hi) {
  return mix32(c_lo ^ stream.inner) + (stream.outer ^ c_hi);
}

inline std::uint32_t draw_of_state(std::uint32_t state, std::uint32_t d) {
  return mix32(state + d * kGolden32);
}

// (k + 1/2) 2^-23 for a k < 2^23: in (0, 1), exact.
inline float uniform23(std::uint32_t k) {
  return (static_cast<float>(static_cast<std::int32_t>(k)) + 0.5f) * 0x1.0p-23f;
}

// ln x + offset ln 2 for a normal float x > 0, from + - x only (no division). x = 2^e m, m in
// [sqrt(1/2), sqrt(2)), f = m - 1 (exact); ln(1 + f) = f - f^2/2 + f^3 P(f) with the degree-8
// minimax P of Cephes' logf.c (S. L. Moshier, netlib.org/cephes; 1.3 ulp at most, checked against
// double ln over every 7th float); (e + offset) ln 2 with ln 2 split in a 9-bit head
// ((e + offset) x head exact) and a tail, as there.
inline float log_positive(float x, std::int32_t offset) {
  constexpr std::uint32_t kSqrtHalfBits = 0x3f3504f3U;  // bits of sqrt(1/2) rounded down
  constexpr std::uint32_t kBias = 128;
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t biased_e = (bits - kSqrtHalfBits + (kBias << 23)) >> 23;  // e + 128
  const float m = std::bit_cast<float>(bits - (biased_e << 23) + (kBias << 23));
  const float e = static_cast<float>(static_cast<std::int32_t>(biased_e - kBias) + offset);
  const float f = m - 1.0f, f2 = f * f;
  // Horner (written out: a loop here keeps the callers' loops from vectorising)
  float p = 7.0376836292e-2f;
  p = p * f - 1.1514610310e-1f;
  p = p * f + 1.1676998740e-1f;
  p = p * f - 1.2420140846e-1f;
  p = p * f + 1.4249322787e-1f;
  p = p * f - 1.6668057665e-1f;
  p = p * f + 2.0000714765e-1f;
  p = p * f - 2.4999993993e-1f;
  p = p * f + 3.3333331174e-1f;
  constexpr float kLn2Head = 0.693359375f;     // ln 2 to 9 bits
  constexpr float kLn2Tail = -2.12194440e-4f;  // ln 2 - head
  return e * kLn2Head + (f + (p * f * f2 + e * kLn2Tail - 0.5f * f2));
}

// sin and cos of |phi| <= pi/4 by their Taylor series to phi^9 / phi^10 (first omitted term
// below 2^-28).
inline std::pair<float, float> sincos_quarter(float phi) {
  // Horner in phi^2 with (-1)^n / (2n + 1)!, n = 4 ... 0, and (-1)^n / (2n)!, n = 5 ... 1
  const float p2 = phi * phi;
  float sin_series = 1.0f / 362880;
  sin_series = sin_series * p2 - 1.0f / 5040;
  sin_series = sin_series * p2 + 1.0f / 120;
  sin_series = sin_series * p2 - 1.0f / 6;
  sin_series = sin_series * p2 + 1.0f;
  float cos_series = -1.0f / 3628800;
  cos_series = cos_series * p2 + 1.0f / 40320;
  cos_series = cos_series * p2 - 1.0f / 720;
  cos_series = cos_series * p2 + 1.0f / 24;
  cos_series = cos_series * p2 - 1.0f / 2;
  return {phi * sin_series, cos_series * p2 + 1.0f};
}

// (when ? a : b) with the sign flipped when flip is 1 << 31 (0: kept), for a mask `when` of all
// ones or all zeros: bit operations, since GCC 12 does not if-convert a conditional here (and
// then does not vectorise the callers' loops).
inline float select_flip(std::uint32_t when, float a, float b, std::uint32_t flip) {
  const auto bits_a = std::bit_cast<std::uint32_t>(a), bits_b = std::bit_cast<std::uint32_t>(b);
  return std::bit_cast<float>(((bits_a & when) | (bits_b & ~when)) ^ flip);
}

// Normal pair of a counter state into x, y (out-parameters: a returned pair stops the callers'
// loops from vectorising).
inline void normal_pair_of_state(std::uint32_t state, float& x, float& y) {
  const std::uint32_t a = draw_of_state(state, 0), b = draw_of_state(state, 1);
  const float r = std::sqrt(-2.0f * log_positive(uniform23(a >> 9), 0));
  const float g = static_cast<float>(static_cast<std::int32_t>(b << 2) >> 8) * 0x1.0p-24f;
  const auto [s, c] = sincos_quarter(g * (std::numbers::pi_v<float> / 2));
  // Rotate (cos phi, sin phi) by q quarter turns: q = 0 (c, s), 1 (-s, c), 2 (-c, -s), 3 (s, -c).
  const std::uint32_t q = b >> 30;
  const std::uint32_t odd = 0U - (q & 1);
  x = r * select_flip(odd, s, c, ((q + 1) & 2) << 30);
  y = r * select_flip(odd, c, s, (q & 2) << 30);
}

// The unit-variance Student-t factor sqrt(((nu - 2) / 2) / -ln P) of the counter state of one
// element: with Nu known at compile time the factor loop unrolls and the element loop
// vectorises.
template <int Nu>
inline float student_scale(std::uint32_t state) {
  constexpr int kUniforms = Nu / 2, kDraws = (kUniforms + 1) / 2;
  // The product of the odd integers 2k + 1 < 2^17 stays below 2^102 for six of them; scaled by
  // 2^-102 there, ten stay in [2^-102, 2^68): always a normal float.
  constexpr std::int32_t kScaleLog2 = kUniforms > 6 ? 102 : 0;
  float product = 1.0f;
  for (int d = 0; d < kDraws; ++d) {
    const std::uint32_t x = draw_of_state(state, std::uint32_t(d));
    product *= static_cast<float>(static_cast<std::int32_t>((x >> 15) | 1U));  // 2 (x >> 16) + 1
    if (2 * d + 1 < kUniforms)                                                 // 2 (x & 0xffff) + 1
      product *= static_cast<float>(static_cast<std::int32_t>(((x << 1) & 0x1fffeU) | 1U));
    if (d == 2 && kScaleLog2 != 0) product *= 0x1.0p-102f;
  }
  // P = product x 2^(scale - 17 nu/2)
  return std::sqrt((Nu - 2.0f) / 2.0f / -log_positive(product, kScaleLog2 - 17 * kUniforms));
}

// Elements are processed in chunks whose 32-bit counters carry at most once into the high half.
constexpr std::int64_t kChunk = std::int64_t(1) << 20;

// Normal pairs [first_pair, first_pair + pairs) into out[2k], out[2k + 1].
void normal_pairs(Stream stream, std::int64_t first_pair, std::int64_t pairs, float* out) {
  const auto lo0 = static_cast<std::uint32_t>(first_pair);
  const auto hi0 = static_cast<std::uint32_t>(std::uint64_t(first_pair) >> 32);
  for (std::size_t k = 0; k < std::size_t(pairs); ++k) {
    const std::uint32_t lo = lo0 + std::uint32_t(k), hi = hi0 + (lo < lo0 ? 1U : 0U);
    normal_pair_of_state(counter_state(stream, lo, hi), out[2 * k], out[2 * k + 1]);
  }
}

// out[j] *= the Student-t factor of element first + j, j < count.
template <int Nu>
void scale_student(Stream stream, std::int64_t first, std::int64_t count, float* out) {
  const auto lo0 = static_cast<std::uint32_t>(first);
  const auto hi0 = static_cast<std::uint32_t>(std::uint64_t(first) >> 32);
  for (std::size_t j = 0; j < std::size_t(count); ++j) {
    const std::uint32_t lo = lo0 + std::uint32_t(j), hi = hi0 + (lo < lo0 ? 1U : 0U);
    out[j] *= student_scale<Nu>(counter_state(stream, lo, hi));
  }
}
using StudentScaling = void (*)(Stream, std::int64_t, std::int64_t, float*);

// The supported nu: 4, 6, ..., 20 (0 is Gaussian and has no factor).
constexpr StudentScaling kStudentScalings[] = {
    scale_student<4>,  scale_student<6>,  scale_student<8>,  scale_student<10>, scale_student<12>,
    scale_student<14>, scale_student<16>, scale_student<18>, scale_student<20>};

StudentScaling student_scaling_for(int nu) {
  if (nu % 2 != 0 || nu < 4 || nu > 20)
    throw Error("synthetic weights: Student-t nu = " + std::to_string(nu) +
                ", expected 0 (Gaussian) or an even value in [4, 20]");
  return kStudentScalings[(nu - 4) / 2];
}

using StudentScale = float (*)(std::uint32_t);
constexpr StudentScale kStudentScales[] = {student_scale<4>,  student_scale<6>,  student_scale<8>,
                                           student_scale<10>, student_scale<12>, student_scale<14>,
                                           student_scale<16>, student_scale<18>, student_scale<20>};

// The unit normals of elements [first, last) into out (last - first <= kChunk).
void normals(Stream stream, std::int64_t first, std::int64_t last, float* out, Scratch& scratch) {
  const std::int64_t first_pair = first / 2, pairs = (last + 1) / 2 - first_pair;
  if (first % 2 == 0 && last % 2 == 0) return normal_pairs(stream, first_pair, pairs, out);
  scratch.normals.resize(std::size_t(2 * pairs));
  normal_pairs(stream, first_pair, pairs, scratch.normals.data());
  const float* z = scratch.normals.data() + (first - 2 * first_pair);
  std::copy(z, z + (last - first), out);
}

}  // namespace

Stream::Stream(std::uint64_t key) {
  const std::uint64_t mixed = mix64(key);
  inner = static_cast<std::uint32_t>(mixed);
  outer = static_cast<std::uint32_t>(mixed >> 32);
}

TensorStreams::TensorStreams(std::uint64_t key) : layer(key), normal(~key), chi2(mix64(key)) {}

std::pair<float, float> normal_pair(Stream stream, std::uint64_t p) {
  float x, y;
  normal_pair_of_state(
      counter_state(stream, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p >> 32)), x,
      y);
  return {x, y};
}

void unit_values(const TensorStreams& streams, int nu, std::int64_t first, std::int64_t last,
                 float* out, Scratch& scratch) {
  const StudentScaling scaling = nu == 0 ? nullptr : student_scaling_for(nu);
  for (std::int64_t begin = first; begin < last; begin += kChunk) {
    const std::int64_t end = std::min(last, begin + kChunk);
    float* chunk = out + (begin - first);
    normals(streams.normal, begin, end, chunk, scratch);
    if (scaling) scaling(streams.chi2, begin, end - begin, chunk);
  }
}

float unit_value(const TensorStreams& streams, int nu, std::int64_t index) {
  const auto [c, s] = normal_pair(streams.normal, std::uint64_t(index / 2));
  const float z = index % 2 ? s : c;
  if (nu == 0) return z;
  student_scaling_for(nu);  // refuses an unsupported nu
  const auto i = std::uint64_t(index);
  return z * kStudentScales[(nu - 4) / 2](counter_state(streams.chi2, static_cast<std::uint32_t>(i),
                                                        static_cast<std::uint32_t>(i >> 32)));
}

}  // namespace bbs::networks::synthetic
