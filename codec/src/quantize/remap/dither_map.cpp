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
constexpr double kErrorBoundPerRms = 3.0;
// Keeps nearly exact palettes (a few merged colours) dithering those colours.
constexpr double kSmallestErrorBound = 8.0;
}  // namespace

DiffusionControl diffusion_control(const std::vector<std::uint16_t>& nearest_labels, int width,
                                   int height, double nearest_rms_distance) {
  DiffusionControl control;
  control.max_error =
      static_cast<float>(std::max(kSmallestErrorBound, kErrorBoundPerRms * nearest_rms_distance));
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
