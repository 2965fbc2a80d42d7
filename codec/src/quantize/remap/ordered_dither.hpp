// SPDX-License-Identifier: MIT
// Ordered dithering: every colour is placed between its nearest palette entry and the entry
// beside it that it leans towards, and an 8x8 Bayer threshold picks one of the two per pixel, so
// that each small block averages to the colour. Unlike error diffusion the choice depends on the
// pixel's colour and position only: flat regions make a fixed, repeating pattern, which the
// label coder's contexts and copies compress far better than diffusion's noise.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/stats/color_histogram.hpp"
#include "quantize/stats/colorspace.hpp"

namespace kmq::detail {

/// `palette_points`: 4 coordinates per entry in the mapper's space. Fully transparent pixels
/// take `transparent_entry` when it is a valid entry, which no other pixel takes. `strength`
/// 0..1 scales how far towards the second entry a colour may be drawn (0: the nearest entry).
/// Every colour of the image must be in `histogram`. The result does not depend on `threads`.
std::vector<std::uint16_t> ordered_dither(const Image& image, const ColorHistogram& histogram,
                                          const ColorSpaceMapper& mapper,
                                          const std::vector<float>& palette_points,
                                          std::uint32_t transparent_entry, double strength,
                                          const Workers& threads);

}  // namespace kmq::detail
