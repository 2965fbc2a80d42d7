// SPDX-License-Identifier: MIT
// Rounded-mean Lloyd refinement of the 8-bit palette.
#include "quantize/cluster/palette_refine.hpp"

#include <algorithm>
#include <cmath>

#include "common/parallel.hpp"
#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

void refine_stored_palette(const WeightedPoints& points, int channels, int max_rounds,
                           const Workers& threads, std::vector<float>& palette,
                           std::vector<std::uint32_t>& assignment) {
  const std::size_t entries = palette.size() / kDims;
  for (int round = 0; round < max_rounds; ++round) {
    // Points are whole numbers, so these sums are exact.
    std::vector<std::uint64_t> sums(entries * kDims, 0), weight(entries, 0);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const std::uint64_t w = points.weights[i];
      const std::size_t e = assignment[i];
      for (std::size_t d = 0; d < kDims; ++d) {
        sums[e * kDims + d] += w * static_cast<std::uint64_t>(points.coords[i * kDims + d]);
      }
      weight[e] += w;
    }
    bool moved = false;
    for (std::size_t e = 0; e < entries; ++e) {
      if (weight[e] == 0) continue;
      for (std::size_t d = 0; d < kDims; ++d) {
        // Round half up in integers: floor((2 * sum + weight) / (2 * weight)).
        float value = static_cast<float>((2 * sums[e * kDims + d] + weight[e]) / (2 * weight[e]));
        if (d == 3 && channels == 4) value = std::max(value, 1.f);
        if (value != palette[e * kDims + d]) {
          palette[e * kDims + d] = value;
          moved = true;
        }
      }
    }
    if (!moved) return;
    const NearestCentre search(palette);
    parallel_chunks(points.size(), 16384, threads,
                    [&](std::size_t, std::size_t, std::size_t begin, std::size_t end) {
                      for (std::size_t i = begin; i < end; ++i) {
                        assignment[i] = search.nearest(&points.coords[i * kDims], assignment[i]);
                      }
                    });
  }
}

}  // namespace kmq::detail
