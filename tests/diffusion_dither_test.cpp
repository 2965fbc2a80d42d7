// SPDX-License-Identifier: MIT
// Error diffusion's controls (quantize/remap/dither_map): the weight from the nearest-entry map,
// the error bound, and what they do to a dithered image.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "quantize/remap/dither.hpp"
#include "quantize/remap/dither_map.hpp"
#include "test_images.hpp"

namespace {

using kmq::detail::diffusion_control;
using kmq::detail::DiffusionControl;
constexpr std::uint32_t kNoTransparentEntry = 0xFFFFFFFFu;

// Mean squared error over RGB after a (2r+1)^2 box blur of both images: what a viewer's eye
// integrates from a dither pattern.
double blurred_mse(const kmq::Image& a, const kmq::Image& b, int r = 2) {
  double total = 0;
  long count = 0;
  for (int y = r; y + r < a.height(); ++y) {
    for (int x = r; x + r < a.width(); ++x) {
      for (int c = 0; c < 3; ++c) {
        double sum = 0;
        for (int v = -r; v <= r; ++v) {
          for (int u = -r; u <= r; ++u) {
            sum += static_cast<double>(a.pixel(x + u, y + v)[c]) - b.pixel(x + u, y + v)[c];
          }
        }
        const double mean = sum / ((2 * r + 1) * (2 * r + 1));
        total += mean * mean;
        ++count;
      }
    }
  }
  return total / static_cast<double>(count);
}

TEST(DiffusionControl, FlatLabelsTakeAllTheErrorChangingLabelsLess) {
  const int width = 12, height = 10;
  const DiffusionControl flat =
      diffusion_control(std::vector<std::uint16_t>(width * height, 3), width, height, 5.0, 16);
  ASSERT_EQ(flat.weights.size(), static_cast<std::size_t>(width * height));
  for (const float weight : flat.weights) EXPECT_FLOAT_EQ(weight, 1.f);

  std::vector<std::uint16_t> checkerboard(width * height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) checkerboard[y * width + x] = (x + y) % 2 ? 1 : 0;
  }
  const DiffusionControl textured = diffusion_control(checkerboard, width, height, 5.0, 16);
  for (const float weight : textured.weights) {
    EXPECT_LT(weight, 0.99f);
    EXPECT_GE(weight, 0.9f);
  }
}

TEST(DiffusionControl, TheBoundGrowsWithThePalettesErrorAndKeepsAFloor) {
  const std::vector<std::uint16_t> labels(4, 0);
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 10.0, 16).max_error, 22.5f);
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 20.0, 16).max_error, 45.f);
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 10.0, 8).max_error, 22.5f);
  // 0.75 more RMS errors per doubling of K above 16.
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 10.0, 64).max_error, 37.5f);
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 10.0, 256).max_error, 52.5f);
  EXPECT_FLOAT_EQ(diffusion_control(labels, 2, 2, 0.0, 16).max_error, 8.f);
}

// The controls were tuned for this: against plain diffusion, the weighted and bounded error
// lowers the blurred error of a photo (rocket: 38.85 -> 39.36 dB blurred PSNR at K = 16).
TEST(FloydSteinberg, WeightedAndBoundedErrorBeatsPlainDiffusionOnAPhoto) {
  const kmq::Image image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  const kmq::detail::ColorSpaceMapper mapper(kmq::ColorSpace::rgb, 3);
  for (const int k : {16, 64}) {
    kmq::EncodeOptions options;
    options.colors = k;
    kmq::IndexedImage nearest = kmq::quantize(image, options);
    std::vector<float> points;
    for (std::size_t i = 0; i < nearest.palette.size(); i += 3) {
      points.insert(points.end(), {static_cast<float>(nearest.palette[i]),
                                   static_cast<float>(nearest.palette[i + 1]),
                                   static_cast<float>(nearest.palette[i + 2]), 0.f});
    }
    const kmq::Image plain_pixels = kmq::expand(nearest);
    double squared = 0;
    for (std::size_t i = 0; i < image.data().size(); ++i) {
      const double d = static_cast<double>(image.data()[i]) - plain_pixels.data()[i];
      squared += d * d;
    }
    const double rms = std::sqrt(squared / static_cast<double>(image.pixel_count()));
    const DiffusionControl control =
        diffusion_control(nearest.indices, image.width(), image.height(), rms, k);
    const auto dithered_error = [&](const DiffusionControl& with) {
      kmq::IndexedImage dithered = nearest;
      dithered.indices =
          kmq::detail::floyd_steinberg(image, mapper, points, kNoTransparentEntry, 1.0, with);
      return blurred_mse(image, kmq::expand(dithered));
    };
    EXPECT_LT(dithered_error(control), 0.97 * dithered_error(DiffusionControl{})) << k;
  }
}

TEST(FloydSteinberg, DitheringLowersTheBlurredErrorOfAPhoto) {
  const kmq::Image image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {16, 64}) {
    kmq::EncodeOptions options;
    options.colors = k;
    const kmq::Image plain = kmq::expand(kmq::quantize(image, options));
    options.dither = 1;
    const kmq::IndexedImage dithered = kmq::quantize(image, options);
    EXPECT_LT(blurred_mse(image, kmq::expand(dithered)), 0.7 * blurred_mse(image, plain)) << k;
    // The same map on any number of threads.
    options.threads = 1;
    EXPECT_EQ(kmq::quantize(image, options).indices, dithered.indices) << k;
  }
}

// The palette moved towards the diffused colours against the clustered one, kept as it is with
// the same diffusion (rocket's blurred PSNR in dither_vs_pngquant.py: +0.57 / +0.89 dB at
// K = 16 / 64 with every row studied, +0.64 / +0.91 with bands). A fixed palette is never moved.
TEST(FloydSteinberg, ThePaletteMovedForDiffusionLowersTheBlurredErrorOfAPhoto) {
  const kmq::Image image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {16, 64}) {
    kmq::EncodeOptions options;
    options.colors = k;
    const kmq::IndexedImage clustered = kmq::quantize(image, options);
    options.dither = 1;
    const kmq::IndexedImage moved = kmq::quantize(image, options);
    ASSERT_EQ(moved.palette_size(), clustered.palette_size()) << k;
    EXPECT_NE(moved.palette, clustered.palette) << k;
    options.fixed_palette = clustered.palette;
    options.fixed_palette_channels = 3;
    const kmq::IndexedImage kept = kmq::quantize(image, options);
    EXPECT_EQ(kept.palette, clustered.palette) << k;
    EXPECT_LT(blurred_mse(image, kmq::expand(moved)), 0.9 * blurred_mse(image, kmq::expand(kept)))
        << k;
  }
}

}  // namespace
