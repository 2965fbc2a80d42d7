// SPDX-License-Identifier: MIT
// Colour counting that keeps pace with a decoder: rows are handed over as they become final and
// counted in order, so the histogram is the one ColorHistogram::build() makes of the whole image.
#include <string>

#include "common/parallel.hpp"
#include "quantize/stats/color_counter_state.hpp"

namespace kmq {

ColorCounter::State::State(int threads) : on_thread_(detail::resolve_threads(threads) > 1) {}

ColorCounter::State::~State() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    abandon_ = true;
  }
  changed_.notify_all();
}  // worker_ joins here

void ColorCounter::State::rows_ready(const Image& image, int first_row, int end_row) {
  if (image.empty()) throw Error(ErrorCategory::bad_input, "colour counter: the image is empty");
  const std::uint8_t* pixels = image.data().data();
  std::unique_lock lock(mutex_);
  if (closing_) throw Error(ErrorCategory::bad_input, "colour counter: the count is over");
  if (pixels_ == nullptr) {
    pixels_ = pixels;
    width_ = image.width();
    height_ = image.height();
    channels_ = image.channels();
  } else if (pixels != pixels_ || image.width() != width_ || image.height() != height_ ||
             image.channels() != channels_) {
    throw Error(ErrorCategory::bad_input, "colour counter: rows of a different image");
  }
  if (first_row != rows_final_ || end_row < first_row || end_row > height_) {
    throw Error(ErrorCategory::bad_input,
                "colour counter: rows " + std::to_string(first_row) + ".." +
                    std::to_string(end_row) + " given after rows 0.." +
                    std::to_string(rows_final_) + " of " + std::to_string(height_));
  }
  rows_final_ = end_row;
  if (!on_thread_) {
    lock.unlock();
    count_rows(rows_counted_, end_row);
    rows_counted_ = end_row;
    return;
  }
  if (!worker_.joinable()) worker_ = std::jthread([this] { work(); });
  lock.unlock();
  changed_.notify_one();
}

void ColorCounter::State::count_rows(int first_row, int end_row) {
  const std::size_t row_pixels = static_cast<std::size_t>(width_);
  histogram_.count_pixels(pixels_ + static_cast<std::size_t>(first_row) * row_pixels * channels_,
                          static_cast<std::size_t>(end_row - first_row) * row_pixels, channels_);
}

void ColorCounter::State::work() {
  try {
    for (;;) {
      int target = 0;
      {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return abandon_ || closing_ || rows_final_ > rows_counted_; });
        if (abandon_ || (closing_ && rows_final_ == rows_counted_)) return;
        target = rows_final_;
      }
      count_rows(rows_counted_, target);
      rows_counted_ = target;
    }
  } catch (...) {
    std::lock_guard lock(mutex_);
    failure_ = std::current_exception();
  }
}

detail::ColorHistogram ColorCounter::State::finish(const Image& image) {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (worker_.joinable()) worker_.join();
  if (failure_) std::rethrow_exception(failure_);
  if (pixels_ != image.data().data() || rows_counted_ != image.height() || image.empty()) {
    throw Error(ErrorCategory::bad_input,
                "colour counter: it was not given every row of the image being quantized");
  }
  histogram_.finish();
  return std::move(histogram_);
}

ColorCounter::ColorCounter(int threads) : state_(std::make_unique<State>(threads)) {}
ColorCounter::~ColorCounter() = default;
ColorCounter::ColorCounter(ColorCounter&&) noexcept = default;
ColorCounter& ColorCounter::operator=(ColorCounter&&) noexcept = default;

void ColorCounter::rows_ready(const Image& image, int first_row, int end_row) {
  if (!state_) throw Error(ErrorCategory::bad_input, "colour counter: moved from");
  state_->rows_ready(image, first_row, end_row);
}

}  // namespace kmq
