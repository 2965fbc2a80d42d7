// SPDX-License-Identifier: MIT
// Floyd-Steinberg error diffusion with serpentine scanning, in the clustering space.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

#include "quantize/remap/dither_map.hpp"
#include "quantize/stats/colorspace.hpp"

namespace kmq::detail {

/// Maps every pixel to a palette entry, carrying each pixel's error (scaled by `strength`,
/// 0..1) to its unvisited neighbours. `palette_points` holds 4 coordinates per entry in the
/// mapper's space. Fully transparent pixels take `transparent_entry` when it is a valid entry,
/// which no other pixel can take; they neither carry nor receive error. `control` weights and
/// bounds the error each pixel takes in.
std::vector<std::uint16_t> floyd_steinberg(const Image& image, const ColorSpaceMapper& mapper,
                                           const std::vector<float>& palette_points,
                                           std::uint32_t transparent_entry, double strength,
                                           const DiffusionControl& control);

/// The palette error diffusion should use instead of the clustered one. The clustered entries
/// are the means of the pixels nearest to them, but diffusion picks an entry for the pixel plus
/// the error it carries, and these diffused colours spread wider: nearest-colour means leave
/// the palette too narrow, so that more error is clamped and carried. Each entry (but the
/// transparent one) moves part of the way to the mean of the diffused colours that took it in
/// one diffusion pass, its alpha kept; `palette_points` is updated to the entries as stored,
/// which are returned packed (8-bit sRGB(A)).
std::vector<std::uint32_t> palette_for_diffusion(const Image& image, const ColorSpaceMapper& mapper,
                                                 std::vector<float>& palette_points,
                                                 std::uint32_t transparent_entry, double strength,
                                                 const DiffusionControl& control);

}  // namespace kmq::detail
