// SPDX-License-Identifier: MIT
// Sort-based binning of weighted points.
#include "quantize/color_bins.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "quantize/nearest_centre.hpp"

namespace kmq::detail {

namespace {

// Bin means are kept on a grid 16 times finer than the input's, so sums stay exact.
constexpr float kMeanRefinement = 16.f;

std::uint64_t bin_key(const float* point, float edge) {
  std::uint64_t key = 0;
  for (std::size_t d = 0; d < kDims; ++d) {
    // Coordinates lie within about -300..300 (OKLab scaled) or 0..255: offset into 12 bits.
    const auto cell = static_cast<std::int64_t>(std::floor(point[d] / edge)) + 2048;
    key = key << 12 | static_cast<std::uint64_t>(std::clamp<std::int64_t>(cell, 0, 4095));
  }
  return key;
}

}  // namespace

WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points) {
  const std::size_t n = points.size();
  std::vector<std::uint64_t> keys(n);
  std::vector<std::uint32_t> order(n);
  float edge = 2.f;
  for (;; edge *= 2) {
    for (std::size_t i = 0; i < n; ++i) keys[i] = bin_key(&points.coords[i * kDims], edge);
    std::iota(order.begin(), order.end(), 0u);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return keys[a] != keys[b] ? keys[a] < keys[b] : a < b;
    });
    std::size_t bins = n == 0 ? 0 : 1;
    for (std::size_t i = 1; i < n; ++i) bins += keys[order[i]] != keys[order[i - 1]];
    if (bins <= max_points || edge >= 256) break;
  }
  WeightedPoints out;
  out.fixed_point_scale = points.fixed_point_scale * kMeanRefinement;
  const double fine = out.fixed_point_scale;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    std::int64_t sum[kDims] = {0, 0, 0, 0};
    std::uint64_t weight = 0;
    for (; j < n && keys[order[j]] == keys[order[i]]; ++j) {
      const std::uint32_t p = order[j];
      for (std::size_t d = 0; d < kDims; ++d) {
        sum[d] +=
            static_cast<std::int64_t>(points.coords[p * kDims + d] * points.fixed_point_scale) *
            static_cast<std::int64_t>(points.weights[p]);
      }
      weight += points.weights[p];
    }
    for (std::size_t d = 0; d < kDims; ++d) {
      // Mean on the finer grid: round(sum / weight * refinement) / fine.
      const double mean =
          static_cast<double>(sum[d]) / static_cast<double>(weight) / points.fixed_point_scale;
      out.coords.push_back(static_cast<float>(std::round(mean * fine) / fine));
    }
    out.weights.push_back(static_cast<std::uint32_t>(weight));
    i = j;
  }
  return out;
}

}  // namespace kmq::detail
