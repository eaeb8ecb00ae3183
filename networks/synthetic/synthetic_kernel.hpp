// Counter-based random variates of the synthetic weight generator (synthetic_weights.cpp).
//
// Every random number is draw(key, n) = splitmix64(key + (n + 1) golden) for a stream key and a
// counter n fixed by the element's flat index, so any block of a tensor is generated on its own
// and gives the same bits on any thread count. The arithmetic is IEEE-754 double additions,
// multiplications, divisions and square roots only (ln, sin and cos are polynomials in
// synthetic_kernel.cpp, which is built with -ffp-contract=off): the block path, vectorised by the
// compiler, and the one-element path give bit-identical values on every x86-64 -march.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace bbs::networks::synthetic {

std::uint64_t draw(std::uint64_t key, std::uint64_t n);

// Unit normal pair p of stream `key` (Box-Muller from draws 2p and 2p + 1).
std::pair<double, double> normal_pair(std::uint64_t key, std::uint64_t p);

// The independent streams of one tensor, derived from one key.
struct TensorStreams {
  std::uint64_t layer, normal, chi2;
  explicit TensorStreams(std::uint64_t key)
      : layer(key), normal(draw(key, ~0ULL)), chi2(draw(key, ~1ULL)) {}
};

// Reusable buffers of the block path.
struct Scratch {
  std::vector<double> normals, product;
};

// Unit-variance values of the tensor's flat indices [first, last) into out: Gaussian (nu = 0) or
// Student-t with an even nu in [4, 20] (others throw bbs::Error). Block path (vectorised).
void unit_values(const TensorStreams& streams, int nu, std::int64_t first, std::int64_t last,
                 double* out, Scratch& scratch);

// The same value for one flat index, computed alone (scalar path; tests compare the two).
double unit_value(const TensorStreams& streams, int nu, std::int64_t index);

}  // namespace bbs::networks::synthetic
