// Splits [0, count) into contiguous chunks and runs fn(begin, end) on up to `jobs` threads.
// Chunks are fixed by (count, jobs) alone, so results never depend on thread timing.
// parallel_each hands out items of uneven cost one at a time to whichever thread is free.
#pragma once

#include <algorithm>
#include <atomic>
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

// Runs fn(i) for every i in [0, count) on up to `jobs` threads, each taking the next item when
// it is free. Which thread runs an item varies, so fn must write only what item i owns. After an
// item throws no further item starts, and an error is rethrown.
template <typename Fn>
void parallel_each(std::int64_t count, int jobs, Fn&& fn) {
  const std::int64_t threads = std::clamp<std::int64_t>(jobs, 1, std::max<std::int64_t>(count, 1));
  std::atomic<std::int64_t> next{0};
  parallel_for(threads, int(threads), [&](std::int64_t, std::int64_t) {
    for (std::int64_t i = next++; i < count; i = next++) {
      try {
        fn(i);
      } catch (...) {
        next = count;
        throw;
      }
    }
  });
}

}  // namespace bbs
