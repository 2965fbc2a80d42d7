// SPDX-License-Identifier: MIT
// What a ColorCounter shares with its counting thread; quantize() takes the result from it.
#pragma once

#include <condition_variable>
#include <exception>
#include <kmq/kmq.hpp>
#include <mutex>
#include <thread>

#include "quantize/stats/color_histogram.hpp"

namespace kmq {

struct ColorCounter::State {
  explicit State(int threads);
  ~State();
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void rows_ready(const Image& image, int first_row, int end_row);
  /// Waits for the count to end and hands it over; `image` must be the image counted, whole.
  detail::ColorHistogram finish(const Image& image);

 private:
  void count_rows(int first_row, int end_row);
  void work();

  bool on_thread_;
  // Set by the first rows_ready(): the image's pixel buffer and shape.
  const std::uint8_t* pixels_ = nullptr;
  int width_ = 0, height_ = 0, channels_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  int rows_final_ = 0;          // rows given so far (guarded)
  bool closing_ = false;        // no more rows will come (guarded)
  bool abandon_ = false;        // stop without counting the rest (guarded)
  std::exception_ptr failure_;  // of the counting thread (guarded)

  int rows_counted_ = 0;  // owned by whoever counts
  detail::ColorHistogram histogram_;
  std::jthread worker_;  // last: started after, and joined before, the members above go
};

}  // namespace kmq
