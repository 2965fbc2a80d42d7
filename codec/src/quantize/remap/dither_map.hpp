// SPDX-License-Identifier: MIT
// How much diffused error each pixel takes in. Two controls, measured against pngquant's
// dithering on the corpus photos (tools/scripts/dither_vs_pngquant.py):
// - an error bound of a few times the palette's RMS error (more times for larger palettes, as
//   measured per K): where the palette cannot reach a colour (a clipped sun, saturated
//   texture), unbounded error runs on for many pixels and leaves streaks and speckles; bounded,
//   it still dithers every gradient the palette spans;
// - a weight from the nearest-entry map: where it is flat, a smooth area bands and takes all
//   the error; where labels already change from pixel to pixel (texture, noise, edges) the
//   content dithers itself and takes a little less.
#pragma once

#include <cstdint>
#include <vector>

namespace kmq::detail {

struct DiffusionControl {
  std::vector<float> weights;  // one per pixel in [0, 1], or empty for all 1
  float max_error = 0;         // the longest error vector a pixel takes in; 0: unbounded
};

/// From the nearest-entry labels of a `width` x `height` image, the RMS distance (in the
/// dithering space) between its pixels and their nearest entries, and the palette's size.
DiffusionControl diffusion_control(const std::vector<std::uint16_t>& nearest_labels, int width,
                                   int height, double nearest_rms_distance, double palette_size);

}  // namespace kmq::detail
