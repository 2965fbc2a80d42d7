// SPDX-License-Identifier: MIT
// The weight is the share of a pixel's 5x5 neighbourhood whose nearest label equals its own,
// mapped to [kFlatWeightFloor, 1].
#include "quantize/remap/dither_map.hpp"

#include <algorithm>
#include <cmath>

namespace kmq::detail {

namespace {
constexpr int kRadius = 2;
// Tuned on the corpus photos at K = 16 and 64 (README, "Dithering"): textured areas keep
// most of their dithering, since a blur of the eye's scale still averages it.
constexpr double kFlatWeightFloor = 0.9;
constexpr double kSharePower = 1.5;
// The bound in RMS errors: 2.25 up to K = 16, 0.75 more per doubling of K (chelsea at K = 16
// wants it tight; path and eveningglow at K = 64 and 256 want it loose).
constexpr double kErrorBoundPerRmsAt16 = 2.25;
constexpr double kErrorBoundGrowthPerDoubling = 0.75;
// Keeps nearly exact palettes (a few merged colours) dithering those colours.
constexpr double kSmallestErrorBound = 8.0;
}  // namespace

DiffusionControl diffusion_control(const std::vector<std::uint16_t>& nearest_labels, int width,
                                   int height, double nearest_rms_distance, double palette_size) {
  DiffusionControl control;
  const double per_rms = kErrorBoundPerRmsAt16 + kErrorBoundGrowthPerDoubling *
                                                     std::max(0.0, std::log2(palette_size / 16.0));
  control.max_error =
      static_cast<float>(std::max(kSmallestErrorBound, per_rms * nearest_rms_distance));
  control.weights.resize(nearest_labels.size());
  const auto at = [&](int x, int y) {
    return nearest_labels[static_cast<std::size_t>(y) * width + x];
  };
  for (int y = 0; y < height; ++y) {
    const int top = std::max(0, y - kRadius), bottom = std::min(height - 1, y + kRadius);
    for (int x = 0; x < width; ++x) {
      const std::uint16_t own = at(x, y);
      const int left = std::max(0, x - kRadius), right = std::min(width - 1, x + kRadius);
      int same = 0;
      for (int v = top; v <= bottom; ++v) {
        for (int u = left; u <= right; ++u) same += at(u, v) == own ? 1 : 0;
      }
      const double share = static_cast<double>(same) / ((bottom - top + 1) * (right - left + 1));
      control.weights[static_cast<std::size_t>(y) * width + x] = static_cast<float>(
          kFlatWeightFloor + (1 - kFlatWeightFloor) * std::pow(share, kSharePower));
    }
  }
  return control;
}

}  // namespace kmq::detail
