// Counter-based random variates of the synthetic weight generator (synthetic_weights.cpp).
//
// Every random number is a 32-bit draw(stream, n), a keyed hash of the stream and a counter n
// fixed by the element's flat index, so any block of a tensor is generated on its own and gives
// the same bits on any thread count. The arithmetic is IEEE-754 single-precision additions,
// multiplications, divisions and square roots only (ln, sin and cos are polynomials in
// synthetic_kernel.cpp, which is built with -ffp-contract=off): the block path, vectorised by the
// compiler on 8 float lanes, and the one-element path give bit-identical values on every x86-64
// -march.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace bbs::networks::synthetic {

// One random stream: the two 32-bit keys of its counter hash, derived from a 64-bit key.
struct Stream {
  std::uint32_t inner, outer;
  explicit Stream(std::uint64_t key);
};

// Unit normal pair p of a stream (Box-Muller from draws 2p and 2p + 1).
std::pair<float, float> normal_pair(Stream stream, std::uint64_t p);

// The independent streams of one tensor, derived from one key.
struct TensorStreams {
  Stream layer, normal, chi2;
  explicit TensorStreams(std::uint64_t key);
};

// Reusable buffer of the block path.
struct Scratch {
  std::vector<float> normals;
};

// Unit-variance values of the tensor's flat indices [first, last) into out: Gaussian (nu = 0) or
// Student-t with an even nu in [4, 20] (others throw bbs::Error). Block path (vectorised).
void unit_values(const TensorStreams& streams, int nu, std::int64_t first, std::int64_t last,
                 float* out, Scratch& scratch);

// The same value for one flat index, computed alone (scalar path; tests compare the two).
float unit_value(const TensorStreams& streams, int nu, std::int64_t index);

}  // namespace bbs::networks::synthetic
