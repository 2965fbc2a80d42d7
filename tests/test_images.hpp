// SPDX-License-Identifier: MIT
// Small synthetic images for tests: made in memory so tests need no files.
#pragma once

#include <cstdint>
#include <kmq/kmq.hpp>
#include <vector>

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
/// Random bytes, seeded.
std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint64_t seed);

}  // namespace kmq::testing
