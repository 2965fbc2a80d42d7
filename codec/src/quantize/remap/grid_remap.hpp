// SPDX-License-Identifier: MIT
// Index map of an RGB image against a palette it was not counted for: every pixel's exact
// nearest entry, found through a PaletteGrid instead of a table of the image's colours.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <span>
#include <vector>

#include "common/parallel.hpp"

namespace kmq::detail {

/// Every pixel of a 3-channel image mapped to its nearest entry of `rgb_palette` (3 bytes per
/// entry, 1..65536 entries) by squared sRGB distance, ties to the lower index.
std::vector<std::uint16_t> remap_to_nearest(const Image& image,
                                            std::span<const std::uint8_t> rgb_palette,
                                            const Workers& threads);

}  // namespace kmq::detail
