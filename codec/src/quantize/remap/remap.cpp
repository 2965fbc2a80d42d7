// SPDX-License-Identifier: MIT
// Parallel per-colour lookup; a one-entry cache catches runs of equal pixels.
#include "quantize/remap/remap.hpp"

#include "common/parallel.hpp"

namespace kmq::detail {

std::vector<std::uint16_t> remap_pixels(const Image& image, const ColorHistogram& histogram,
                                        const std::vector<std::uint32_t>& label_of_distinct,
                                        const Workers& threads) {
  const std::size_t pixels = image.pixel_count();
  const int channels = image.channels();
  std::vector<std::uint16_t> indices(pixels);
  const std::uint8_t* samples = image.data().data();
  parallel_chunks(
      pixels, 1u << 16, threads, [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
        std::uint32_t cached_color = pack_color(samples + begin * channels, channels);
        std::uint16_t cached_label =
            static_cast<std::uint16_t>(label_of_distinct[histogram.find(cached_color)]);
        for (std::size_t i = begin; i < end; ++i) {
          const std::uint32_t packed = pack_color(samples + i * channels, channels);
          if (i + ColorHistogram::kPrefetchDistance < end) {
            histogram.prefetch(
                pack_color(samples + (i + ColorHistogram::kPrefetchDistance) * channels, channels));
          }
          if (packed != cached_color) {
            cached_color = packed;
            cached_label = static_cast<std::uint16_t>(label_of_distinct[histogram.find(packed)]);
          }
          indices[i] = cached_label;
        }
      });
  return indices;
}

}  // namespace kmq::detail
