// Splits [0, count) into contiguous chunks and runs fn(begin, end) on up to `jobs` threads.
// Chunks are fixed by (count, jobs) alone, so results never depend on thread timing.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace bbs {

template <typename Fn>
void parallel_for(std::int64_t count, int jobs, Fn&& fn) {
  const std::int64_t threads = std::clamp<std::int64_t>(jobs, 1, std::max<std::int64_t>(count, 1));
  if (threads == 1) {
    fn(std::int64_t{0}, count);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  for (std::int64_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      try {
        fn(count * t / threads, count * (t + 1) / threads);
      } catch (...) {
        errors[std::size_t(t)] = std::current_exception();
      }
    });
  }
  for (auto& thread : pool) thread.join();
  for (auto& error : errors)
    if (error) std::rethrow_exception(error);
}

}  // namespace bbs
