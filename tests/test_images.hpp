// SPDX-License-Identifier: MIT
// Small synthetic images for tests: made in memory so tests need no files.
#pragma once

#include <algorithm>
#include <cstdint>
#include <kmq/kmq.hpp>
#include <ostream>
#include <vector>

#include "common/parallel.hpp"

namespace kmq::testing {

/// A smooth RGB gradient with many distinct colours.
Image gradient_image(int width, int height);
/// An RGB image whose pixels are drawn, by a seeded generator, around `centres` (3 per centre)
/// with noise of at most +-spread per channel.
Image clustered_image(int width, int height, const std::vector<int>& centres, int spread,
                      std::uint64_t seed);
/// An RGB image using exactly `colors` distinct colours (colors <= 2^24).
Image image_with_colors(int width, int height, int colors);
/// An RGBA image: left half fully transparent with varied RGB, right half an opaque gradient.
Image half_transparent_image(int width, int height);
/// A page of "text": a dozen random glyphs of 6 x 9 labels (label 0 around 1 .. colors - 1)
/// stamped in lines on a background of label 0, with gaps for spaces, so that most of it
/// repeats. colors >= 2; the palette is seeded noise.
IndexedImage glyph_page(int width, int height, int colors, std::uint32_t seed);
/// Whether two images have the same size, channels and pixels (metadata aside).
inline bool same_pixels(const Image& a, const Image& b) {
  return a.width() == b.width() && a.height() == b.height() && a.channels() == b.channels() &&
         std::equal(a.data().begin(), a.data().end(), b.data().begin());
}
/// Workers for the library's internal loops: `threads` of a pool kept for the test program.
detail::Workers workers(int threads);
/// Random bytes, seeded.
std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint64_t seed);

}  // namespace kmq::testing

namespace kmq {
/// GoogleTest prints metadata item by item instead of as raw bytes.
void PrintTo(const Metadata& metadata, std::ostream* out);
}  // namespace kmq
