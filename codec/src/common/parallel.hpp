// SPDX-License-Identifier: MIT
// A deterministic parallel loop on a TaskRunner: work is cut into fixed chunks whose boundaries
// do not depend on the thread count, so per-chunk results reduced in chunk order give identical
// output on 1 or N threads. Loops never start threads: each API call gets its runner once
// (WorkerScope) and hands it down as Workers.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <kmq/kmq.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace kmq::detail {

/// Resolves a requested thread count (0 = all cores) to at least 1.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

/// Where a loop runs: a runner, and how many of its threads the loop may use (>= 1). Without a
/// runner everything runs on the calling thread.
class Workers {
 public:
  Workers() = default;
  Workers(TaskRunner* runner, int limit)
      : runner_(runner),
        limit_(runner == nullptr ? 1 : std::clamp(limit, 1, std::max(1, runner->concurrency()))) {}

  int limit() const noexcept { return limit_; }
  TaskRunner* runner() const noexcept { return runner_; }
  /// The same runner, at most `limit` threads (>= 1).
  Workers capped(int limit) const { return Workers(runner_, std::min(limit_, std::max(1, limit))); }

 private:
  TaskRunner* runner_ = nullptr;
  int limit_ = 1;
};

/// An API call's workers: the caller's runner, or a ThreadPool of `threads` made for the call.
class WorkerScope {
 public:
  WorkerScope(TaskRunner* runner, int threads) {
    const int wanted = resolve_threads(threads);
    if (runner == nullptr && wanted > 1) {
      own_ = std::make_unique<ThreadPool>(wanted);
      runner = own_.get();
    }
    workers_ = Workers(runner, wanted);
  }
  const Workers& workers() const noexcept { return workers_; }

 private:
  std::unique_ptr<ThreadPool> own_;
  Workers workers_;
};

/// Calls body(worker, chunk, begin, end) for every chunk of [0, count) of `chunk_size` items, on
/// up to workers.limit() threads; `worker` (0 .. workers-1) lets a body use per-thread scratch
/// space. The first exception thrown by a body is rethrown here.
template <class Body>
void parallel_chunks(std::size_t count, std::size_t chunk_size, const Workers& workers,
                     Body&& body) {
  if (count == 0) return;
  chunk_size = std::max<std::size_t>(chunk_size, 1);
  const std::size_t chunks = (count + chunk_size - 1) / chunk_size;
  const std::size_t used = std::min<std::size_t>(static_cast<std::size_t>(workers.limit()), chunks);
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  // Runner tasks never throw: a failure stops the loop and is rethrown on the caller's thread.
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
  if (used <= 1 || workers.runner() == nullptr) {
    run(0);
  } else {
    workers.runner()->run(used, run);
  }
  if (failure) std::rethrow_exception(failure);
}

/// How many workers parallel_chunks() will use, to size per-worker scratch space.
inline std::size_t worker_count(std::size_t count, std::size_t chunk_size, const Workers& workers) {
  if (count == 0) return 1;
  chunk_size = std::max<std::size_t>(chunk_size, 1);
  return std::max<std::size_t>(1, std::min<std::size_t>(static_cast<std::size_t>(workers.limit()),
                                                        (count + chunk_size - 1) / chunk_size));
}

inline std::size_t chunk_count(std::size_t count, std::size_t chunk_size) {
  return count == 0 ? 0 : (count + chunk_size - 1) / chunk_size;
}

}  // namespace kmq::detail
