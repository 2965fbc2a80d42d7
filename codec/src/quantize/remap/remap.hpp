// SPDX-License-Identifier: MIT
// Index map: every pixel takes the palette entry chosen for its colour.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/stats/color_histogram.hpp"

namespace kmq::detail {

/// Looks every pixel's colour up in the histogram and returns label_of_distinct of it.
std::vector<std::uint16_t> remap_pixels(const Image& image, const ColorHistogram& histogram,
                                        const std::vector<std::uint32_t>& label_of_distinct,
                                        const Workers& threads);

}  // namespace kmq::detail
