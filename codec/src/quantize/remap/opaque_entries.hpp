// SPDX-License-Identifier: MIT
// The palette entries a dithered pixel may take: all but the transparent entry, which only
// fully transparent pixels take, so that dithering never makes a visible pixel vanish.
#pragma once

#include <cstdint>
#include <vector>

#include "quantize/stats/colorspace.hpp"

namespace kmq::detail {

struct OpaqueEntries {
  bool has_transparent = false;      // the transparent entry is set aside
  std::vector<float> points;         // kDims coordinates per searchable entry
  std::vector<std::uint16_t> entry;  // the palette entry of each searchable one
};

/// `palette_points`: kDims coordinates per entry; `transparent_entry` is set aside when it is
/// a valid entry of a palette of more than one.
inline OpaqueEntries opaque_entries(const std::vector<float>& palette_points,
                                    std::uint32_t transparent_entry) {
  OpaqueEntries result;
  const std::size_t entries = palette_points.size() / kDims;
  result.has_transparent = transparent_entry < entries && entries > 1;
  for (std::size_t e = 0; e < entries; ++e) {
    if (result.has_transparent && e == transparent_entry) continue;
    result.points.insert(result.points.end(), &palette_points[e * kDims],
                         &palette_points[e * kDims] + kDims);
    result.entry.push_back(static_cast<std::uint16_t>(e));
  }
  return result;
}

}  // namespace kmq::detail
