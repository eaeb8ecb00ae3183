// Bit views of an int8 weight shared by the designs' step rules and schedule executors.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>

namespace bbs::accel {

// |w| in sign-magnitude (7 magnitude bits: -128 saturates to 127). Branch-free: step rules run it
// on every weight, and a branch on random signs mispredicts half the time.
inline unsigned magnitude(int w) { return unsigned(std::min(std::abs(w), 127)); }
// popcount(magnitude(w)) in plain integer operations (SWAR on the 7 magnitude bits), so loops
// over a group vectorise: x86 has no vector popcount below AVX-512.
inline int magnitude_ones(int w) {
  unsigned x = magnitude(w);
  x -= (x >> 1) & 0x55u;
  x = (x & 0x33u) + ((x >> 2) & 0x33u);
  return int((x + (x >> 4)) & 0x0fu);
}
inline int sign(int w) { return w < 0 ? -1 : 1; }
// Bit b of w's 8-bit two's-complement pattern (bit 7 is the sign, weighted -2^7).
inline bool twos_bit(int w, int b) { return (unsigned(std::uint8_t(std::int8_t(w))) >> b) & 1u; }

// The 1 bits in each of the 8 two's-complement columns of a group of weights:
//   ones[b] = sum over the group of twos_bit(w, b)
// Each weight adds its 8-bit pattern spread one bit per byte of a 64-bit counter (byte b counts
// column b), flushed before a byte can overflow: one table look-up and one add per weight.
inline std::array<int, 8> column_ones(std::span<const int> group) {
  static constexpr auto kSpread = [] {
    std::array<std::uint64_t, 256> t{};
    for (unsigned v = 0; v < 256; ++v)
      for (int b = 0; b < 8; ++b) t[v] |= std::uint64_t((v >> b) & 1u) << (8 * b);
    return t;
  }();
  std::array<int, 8> ones{};
  for (std::size_t first = 0; first < group.size(); first += 255) {
    std::uint64_t counts = 0;
    for (int w : group.subspan(first, std::min<std::size_t>(255, group.size() - first)))
      counts += kSpread[std::uint8_t(std::int8_t(w))];
    for (int b = 0; b < 8; ++b) ones[std::size_t(b)] += int((counts >> (8 * b)) & 0xffu);
  }
  return ones;
}

}  // namespace bbs::accel
