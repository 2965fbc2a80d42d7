// SPDX-License-Identifier: MIT
// Lloyd iterations on the stored 8-bit palette: K-means finishes with real-valued centres, but a
// file holds whole numbers, and the best whole-number centre of a cluster is its rounded mean.
#pragma once

#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/cluster/kmeans.hpp"

namespace kmq::detail {

/// `palette` holds 4 floats per entry, each a whole number in 0..255 (alpha >= 1 when
/// `channels` is 4); `assignment` the entry of each point. Alternates moving every entry to the
/// rounded weighted mean of its points and reassigning points to their nearest entry, until
/// nothing changes or `max_rounds` is reached. Never raises the total squared error.
void refine_stored_palette(const WeightedPoints& points, int channels, int max_rounds,
                           const Workers& threads, std::vector<float>& palette,
                           std::vector<std::uint32_t>& assignment);

}  // namespace kmq::detail
