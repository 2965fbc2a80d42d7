// SPDX-License-Identifier: MIT
// Runs a batch of files on several threads, reporting each as it finishes with the progress bar
// out of the way.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "batch_progress.hpp"

namespace kmq::tools {

/// Calls work(i) for every i < count, `parallel` at a time, and report(i) under one lock as each
/// finishes. The progress bar shows on a terminal when `progress` is set.
inline void run_batch(std::size_t count, int parallel, bool progress,
                      const std::function<void(std::size_t)>& work,
                      const std::function<void(std::size_t)>& report) {
  BatchProgress bar(count, progress && ::isatty(STDERR_FILENO));
  std::mutex lock;
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < count;) {
      work(i);
      std::lock_guard guard(lock);
      bar.clear();
      report(i);
      bar.advance();
    }
  };
  const auto threads = static_cast<std::size_t>(std::max(1, parallel));
  std::vector<std::jthread> pool;
  for (std::size_t t = 1; t < std::min(threads, count); ++t) pool.emplace_back(worker);
  worker();
}

/// Threads for the whole tool: --jobs, or every core when it is 0.
inline int resolve_jobs(int jobs) {
  return jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace kmq::tools
