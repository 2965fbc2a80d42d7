// SPDX-License-Identifier: MIT
#include "quantize/stats/pixel_sample.hpp"

#include <algorithm>
#include <cstring>

namespace kmq::detail {

namespace {

constexpr std::size_t kSampleRow = 4096;

// SplitMix64: a stateless mix, so each run's place depends only on the seed and the run.
std::uint64_t mix(std::uint64_t value) {
  value += 0x9E3779B97F4A7C15ull;
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ull;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBull;
  return value ^ (value >> 31);
}

// Every fully transparent pixel maps to the palette's one transparent entry, which clustering
// reserves only if it sees such a pixel: a sample that missed them all gets the first in
// place of its first pixel.
void keep_transparency(const Image& image, Image& sample) {
  const std::size_t pixels = image.pixel_count(), taken = sample.pixel_count();
  for (std::size_t i = 0; i < taken; ++i) {
    if (sample.data()[4 * i + 3] == 0) return;
  }
  for (std::size_t i = 0; i < pixels; ++i) {
    if (image.data()[4 * i + 3] == 0) {
      std::memcpy(&sample.data()[0], &image.data()[4 * i], 4);
      return;
    }
  }
}

}  // namespace

Image sample_pixels(const Image& image, std::size_t count, std::uint64_t seed) {
  const std::size_t pixels = image.pixel_count();
  count = std::clamp<std::size_t>(count, 1, pixels);
  // Whole rows of at most kSampleRow pixels (an image is at most kMaxDimension wide).
  const std::size_t width = std::min(count, kSampleRow);
  count -= count % width;
  const auto channels = static_cast<std::size_t>(image.channels());
  Image sample(static_cast<int>(width), static_cast<int>(count / width), image.channels());
  const std::uint64_t stream = mix(seed);
  for (std::size_t run = 0; run < count; ++run) {
    // Run r covers pixels [r * pixels / count, (r + 1) * pixels / count): at least one pixel.
    // (Both factors are below 2^31: the product fits.)
    const std::size_t first = run * pixels / count;
    const std::size_t end = (run + 1) * pixels / count;
    const std::size_t pick = first + mix(stream ^ run) % (end - first);
    std::memcpy(&sample.data()[run * channels], &image.data()[pick * channels], channels);
  }
  if (channels == 4) keep_transparency(image, sample);
  return sample;
}

}  // namespace kmq::detail
