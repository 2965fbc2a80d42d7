// SPDX-License-Identifier: MIT
// Initial centres by variance median cut: repeatedly split the box of points with the largest
// weighted squared error, along its widest axis, at its weighted median.
#pragma once

#include <vector>

#include "quantize/cluster/weighted_points.hpp"

namespace kmq::detail {

/// Returns 4 floats per centre, `clusters` centres (precondition: clusters <= points.size()).
/// Deterministic and O(N log K), so it replaces k-means++ where K is large.
std::vector<float> median_cut_centres(const WeightedPoints& points, int clusters);

}  // namespace kmq::detail
