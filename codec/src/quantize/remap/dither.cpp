// SPDX-License-Identifier: MIT
// Serpentine Floyd-Steinberg. The error a pixel takes in is weighted and bounded (dither_map)
// and the diffused colour clamped to the palette's bounding box, so that errors cannot
// accumulate without limit in regions the palette cannot reach.
#include "quantize/remap/dither.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quantize/cluster/nearest_centre.hpp"
#include "quantize/remap/opaque_entries.hpp"
#include "quantize/stats/color_histogram.hpp"

namespace kmq::detail {

std::vector<std::uint16_t> floyd_steinberg(const Image& image, const ColorSpaceMapper& mapper,
                                           const std::vector<float>& palette_points,
                                           std::uint32_t transparent_entry, double strength,
                                           const DiffusionControl& control) {
  // Search only the entries an opaque or translucent pixel may take.
  const OpaqueEntries opaque = opaque_entries(palette_points, transparent_entry);
  const bool has_transparent = opaque.has_transparent;
  const std::vector<std::uint16_t>& entry_of = opaque.entry;
  const NearestCentre search(opaque.points);
  float low[kDims], high[kDims];
  std::fill(low, low + kDims, std::numeric_limits<float>::infinity());
  std::fill(high, high + kDims, -std::numeric_limits<float>::infinity());
  for (std::size_t e = 0; e < search.size(); ++e) {
    for (std::size_t d = 0; d < kDims; ++d) {
      low[d] = std::min(low[d], search.centre(e)[d]);
      high[d] = std::max(high[d], search.centre(e)[d]);
    }
  }

  const int width = image.width(), height = image.height(), channels = image.channels();
  const auto scale = static_cast<float>(strength);
  std::vector<std::uint16_t> indices(image.pixel_count());
  // Error rows with one pixel of margin on each side.
  std::vector<float> current((static_cast<std::size_t>(width) + 2) * kDims, 0.f);
  std::vector<float> below(current.size(), 0.f);
  std::uint32_t guess = 0;
  std::uint32_t cached_color = 0;
  float cached_point[kDims] = {0, 0, 0, 0};
  bool have_cached = false;
  for (int y = 0; y < height; ++y) {
    const bool forward = (y % 2) == 0;
    const int step = forward ? 1 : -1;
    std::fill(below.begin(), below.end(), 0.f);
    for (int i = 0; i < width; ++i) {
      const int x = forward ? i : width - 1 - i;
      const std::size_t pixel = static_cast<std::size_t>(y) * width + x;
      const std::uint32_t packed = pack_color(image.pixel(x, y), channels);
      if (has_transparent && packed == 0) {
        indices[pixel] = static_cast<std::uint16_t>(transparent_entry);
        continue;
      }
      if (!have_cached || packed != cached_color) {
        mapper.to_point(packed, cached_point);
        cached_color = packed;
        have_cached = true;
      }
      float* error = &current[(static_cast<std::size_t>(x) + 1) * kDims];
      float weight = control.weights.empty() ? 1.f : control.weights[pixel];
      if (control.max_error > 0) {
        float squared = 0;
        for (std::size_t d = 0; d < kDims; ++d) squared += error[d] * error[d];
        const float length = std::sqrt(squared) * weight;
        if (length > control.max_error) weight *= control.max_error / length;
      }
      float target[kDims];
      for (std::size_t d = 0; d < kDims; ++d) {
        target[d] = std::clamp(cached_point[d] + weight * error[d], low[d], high[d]);
      }
      guess = search.nearest(target, guess);
      indices[pixel] = entry_of[guess];
      const float* chosen = search.centre(guess);
      for (std::size_t d = 0; d < kDims; ++d) {
        const float e = (target[d] - chosen[d]) * scale;
        current[(static_cast<std::size_t>(x + step) + 1) * kDims + d] += e * (7.f / 16);
        below[(static_cast<std::size_t>(x - step) + 1) * kDims + d] += e * (3.f / 16);
        below[(static_cast<std::size_t>(x) + 1) * kDims + d] += e * (5.f / 16);
        below[(static_cast<std::size_t>(x + step) + 1) * kDims + d] += e * (1.f / 16);
      }
    }
    std::swap(current, below);
  }
  return indices;
}

}  // namespace kmq::detail
