// SPDX-License-Identifier: MIT
// Coarser colour statistics for clustering large images: colours merged into cubic bins, each
// bin a point at the weighted mean of its colours with their total weight.
#pragma once

#include <cstddef>

#include "quantize/kmeans.hpp"

namespace kmq::detail {

/// Merges points into bins, doubling the bin edge until at most `max_points` remain. K-means
/// on the result minimises the same objective up to the within-bin spread, which a few Lloyd
/// iterations on the exact points then remove. Deterministic.
WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points);

}  // namespace kmq::detail
