// SPDX-License-Identifier: MIT
// The clustering methods' input: an image's distinct colours as points in the clustering space,
// each weighted by its pixel count.
#pragma once

#include <cstdint>
#include <vector>

namespace kmq::detail {

/// Points with 4 coordinates each (see nearest_centre.hpp) and a positive integer weight.
/// Coordinates times `fixed_point_scale` must be whole numbers small enough that weighted sums
/// fit in 64 bits: sums are then exact, so the result cannot depend on the thread count.
struct WeightedPoints {
  std::vector<float> coords;
  std::vector<std::uint32_t> weights;
  float fixed_point_scale = 1.0f;
  std::size_t size() const noexcept { return weights.size(); }
};

}  // namespace kmq::detail
