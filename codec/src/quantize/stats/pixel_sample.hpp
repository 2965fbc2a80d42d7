// SPDX-License-Identifier: MIT
// A fixed-size sample of an image's pixels, spread over the whole image, for clustering.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>

namespace kmq::detail {

/// About `count` pixels (all of them if the image has no more; rounded down to whole rows of
/// 4096) as an image with the same channels: the image is cut into `count` equal runs in raster
/// order and one pixel is taken from each, at a place drawn from `seed`. Evenly spread, so no
/// region is left out, and jittered, so that the sample does not line up with a pattern of the same
/// period.
Image sample_pixels(const Image& image, std::size_t count, std::uint64_t seed);

}  // namespace kmq::detail
