// Buffers of one value per weight (tens of MB for one large layer): asking for transparent huge
// pages before their first touch makes filling 32 MB cost 16 page faults instead of 8192. A
// one-shot command like `bbs-dse prune` of a 16 Mi-weight tensor otherwise spends about a third
// of its CPU time in the kernel's page-fault path (measured with perf, bench/bench_prune.cpp).
// Only a hint: where the kernel declines (THP disabled, no Linux), the buffer is an ordinary one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace bbs {

// Hints MADV_HUGEPAGE for the whole pages inside [data, data + bytes) when they are worth it.
inline void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kPageBytes = 4096, kHugePageBytes = 2u << 20;
  if (bytes < 2 * kHugePageBytes) return;  // too small to hold an aligned huge page reliably
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kPageBytes - 1) & ~(kPageBytes - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kPageBytes - 1);
  ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: errors ignored
#else
  (void)data;
  (void)bytes;
#endif
}

// Room for `count` values in `values`, not yet touched, hinted as above; fill with assign or
// push_back, or resize.
template <typename T>
void reserve_large(std::vector<T>& values, std::size_t count) {
  values.reserve(count);
  advise_huge_pages(values.data(), count * sizeof(T));
}

// `count` value-initialised (zero) values in hinted storage.
template <typename T>
std::vector<T> large_vector(std::size_t count) {
  std::vector<T> values;
  reserve_large(values, count);
  values.resize(count);
  return values;
}

}  // namespace bbs
