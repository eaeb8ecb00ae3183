// The number of members of an aggregate: the most initialisers it accepts from a value that
// converts to anything. Serialisers that must cover every field of a struct (identities, cache
// keys) static_assert on it, so a member added later without its serialisation stops the build.
#pragma once

#include <cstddef>
#include <utility>

namespace bbs {
namespace detail {

struct AnyValue {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): only used unevaluated
};

template <class T, std::size_t... I>
constexpr bool accepts_initialisers(std::index_sequence<I...>) {
  return requires { T{(void(I), AnyValue{})...}; };
}

}  // namespace detail

template <class T, std::size_t N = 0>
constexpr std::size_t member_count() {
  if constexpr (detail::accepts_initialisers<T>(std::make_index_sequence<N + 1>{}))
    return member_count<T, N + 1>();
  else
    return N;
}

}  // namespace bbs
