// SPDX-License-Identifier: MIT
// A deterministic parallel loop: work is cut into fixed chunks whose boundaries do not depend on
// the thread count, so per-chunk results reduced in chunk order give identical output on 1 or N
// threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace kmq::detail {

/// Resolves a requested thread count (0 = all cores) to at least 1.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

/// Calls body(worker, chunk, begin, end) for every chunk of [0, count) of `chunk_size` items, on
/// up to `threads` threads; `worker` (0 .. workers-1) lets a body use per-thread scratch space.
/// The first exception thrown by a body is rethrown here.
template <class Body>
void parallel_chunks(std::size_t count, std::size_t chunk_size, int threads, Body&& body) {
  if (count == 0) return;
  chunk_size = std::max<std::size_t>(chunk_size, 1);
  const std::size_t chunks = (count + chunk_size - 1) / chunk_size;
  const std::size_t workers =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), chunks);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto run = [&](std::size_t worker) {
    for (;;) {
      const std::size_t chunk = next.fetch_add(1, std::memory_order_relaxed);
      if (chunk >= chunks) return;
      try {
        const std::size_t begin = chunk * chunk_size;
        body(worker, chunk, begin, std::min(count, begin + chunk_size));
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        next.store(chunks, std::memory_order_relaxed);
      }
    }
  };
  if (workers <= 1) {
    run(0);
  } else {
    std::vector<std::jthread> pool;
    pool.reserve(workers - 1);
    for (std::size_t i = 1; i < workers; ++i) pool.emplace_back(run, i);
    run(0);
  }  // jthreads join here
  if (failure) std::rethrow_exception(failure);
}

/// How many workers parallel_chunks() will use, to size per-worker scratch space.
inline std::size_t worker_count(std::size_t count, std::size_t chunk_size, int threads) {
  if (count == 0) return 1;
  chunk_size = std::max<std::size_t>(chunk_size, 1);
  return std::max<std::size_t>(1,
                               std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)),
                                                     (count + chunk_size - 1) / chunk_size));
}

inline std::size_t chunk_count(std::size_t count, std::size_t chunk_size) {
  return count == 0 ? 0 : (count + chunk_size - 1) / chunk_size;
}

}  // namespace kmq::detail
