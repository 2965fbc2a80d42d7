// SPDX-License-Identifier: MIT
// Coarser colour statistics for clustering large images: colours merged into cubic bins, each
// bin a point at the weighted mean of its colours with their total weight.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "quantize/cluster/weighted_points.hpp"

namespace kmq::detail {

/// Merges points into bins, growing the bin edge by sqrt 2 until at most `max_points` remain.
/// K-means on the result minimises the same objective up to the within-bin spread, which a few
/// Lloyd iterations on the exact points then remove. Deterministic. With `bin_of`, also tells the
/// bin of every point.
WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points,
                          std::vector<std::uint32_t>* bin_of = nullptr);

}  // namespace kmq::detail
