#include "app/allocator_tuning.hpp"

#if __has_include(<malloc.h>)
#include <malloc.h>  // defines __GLIBC__ (through <features.h>) with glibc
#endif

namespace bbs::app {

void keep_large_buffers_for_reuse() {
#if defined(__GLIBC__)
  constexpr int kLargestMmapThresholdBytes = 1 << 30;  // blocks of weights stay in the heap
  constexpr int kTrimThresholdBytes = 1 << 30;         // freed blocks are kept for reuse
  mallopt(M_ARENA_MAX, 1);  // one heap: a worker's arena would still map each large block
  mallopt(M_MMAP_THRESHOLD, kLargestMmapThresholdBytes);
  mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes);
#endif
}

}  // namespace bbs::app
