// Bit views of an int8 weight shared by the designs' step rules and schedule executors.
#pragma once

#include <algorithm>
#include <cstdint>

namespace bbs::accel {

// |w| in sign-magnitude (7 magnitude bits: -128 saturates to 127).
inline unsigned magnitude(int w) { return unsigned(w < 0 ? -std::max(w, -127) : std::min(w, 127)); }
inline int sign(int w) { return w < 0 ? -1 : 1; }
// Bit b of w's 8-bit two's-complement pattern (bit 7 is the sign, weighted -2^7).
inline bool twos_bit(int w, int b) { return (unsigned(std::uint8_t(std::int8_t(w))) >> b) & 1u; }

}  // namespace bbs::accel
