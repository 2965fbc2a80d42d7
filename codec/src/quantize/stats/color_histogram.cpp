// SPDX-License-Identifier: MIT
// Open-addressing hash of distinct colours; grows at half load.
#include "quantize/stats/color_histogram.hpp"

namespace kmq::detail {

namespace {
constexpr std::uint32_t kInitialSlots = 1u << 12;
}  // namespace

ColorHistogram::ColorHistogram() : slots_(kInitialSlots, 0), mask_(kInitialSlots - 1) {}

ColorHistogram ColorHistogram::build(const Image& image) {
  ColorHistogram histogram;
  histogram.count_pixels(image.data().data(), image.pixel_count(), image.channels());
  histogram.finish();
  return histogram;
}

void ColorHistogram::count_pixels(const std::uint8_t* sample, std::size_t pixels, int channels) {
  std::uint32_t previous = 0;
  std::uint32_t previous_position = 0;
  bool have_previous = false;
  for (std::size_t i = 0; i < pixels; ++i, sample += channels) {
    const std::uint32_t packed = pack_color(sample, channels);
    if (i + kPrefetchDistance < pixels) {
      prefetch(pack_color(sample + kPrefetchDistance * channels, channels));
    }
    // Runs of one colour are common; counting them without hashing halves the time on flat art.
    if (have_previous && packed == previous) {
      ++counts_[previous_position];
      continue;
    }
    previous_position = count_one(packed);
    previous = packed;
    have_previous = true;
  }
}

void ColorHistogram::finish() {
  colors_.shrink_to_fit();
  counts_.shrink_to_fit();
}

std::uint32_t ColorHistogram::count_one(std::uint32_t packed) {
  std::uint32_t slot = slot_of(packed, mask_);
  for (;;) {
    const std::uint32_t entry = slots_[slot];
    if (entry == 0) break;
    if (colors_[entry - 1] == packed) {
      ++counts_[entry - 1];
      return entry - 1;
    }
    slot = (slot + 1) & mask_;
  }
  colors_.push_back(packed);
  counts_.push_back(1);
  const auto position = static_cast<std::uint32_t>(colors_.size() - 1);
  slots_[slot] = position + 1;
  if (colors_.size() * 2 > slots_.size()) grow();
  return position;
}

void ColorHistogram::grow() { index_into(slots_.size() * 2); }

void ColorHistogram::release_index() { std::vector<std::uint32_t>().swap(slots_); }

void ColorHistogram::restore_index() {
  if (!slots_.empty()) return;
  // The capacity growth ends at: a power of two above twice the colours.
  std::size_t capacity = kInitialSlots;
  while (colors_.size() * 2 > capacity) capacity *= 2;
  index_into(capacity);
}

void ColorHistogram::index_into(std::size_t capacity) {
  slots_.assign(capacity, 0);
  mask_ = static_cast<std::uint32_t>(capacity - 1);
  for (std::size_t i = 0; i < colors_.size(); ++i) {
    std::uint32_t slot = slot_of(colors_[i], mask_);
    while (slots_[slot] != 0) slot = (slot + 1) & mask_;
    slots_[slot] = static_cast<std::uint32_t>(i + 1);
  }
}

std::uint32_t ColorHistogram::find(std::uint32_t packed) const noexcept {
  std::uint32_t slot = slot_of(packed, mask_);
  for (;;) {
    const std::uint32_t entry = slots_[slot];
    if (entry == 0 || colors_[entry - 1] == packed) return entry - 1;
    slot = (slot + 1) & mask_;
  }
}

}  // namespace kmq::detail
