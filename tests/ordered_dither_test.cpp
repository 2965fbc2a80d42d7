// SPDX-License-Identifier: MIT
// Ordered dithering (MappingOptions::dither_kind = ordered): block averages, patterns, file
// size against error diffusion, transparency and determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>

#include "test_images.hpp"

namespace {

kmq::EncodeOptions ordered(int k, double strength = 1) {
  kmq::EncodeOptions options;
  options.colors = k;
  options.dither = strength;
  options.dither_kind = kmq::DitherKind::ordered;
  return options;
}

kmq::Image flat_image(int width, int height, std::uint8_t grey) {
  kmq::Image image(width, height, 3);
  std::fill(image.data().begin(), image.data().end(), grey);
  return image;
}

// Mean squared error over RGB between the averages of each side x side block.
double block_mse(const kmq::Image& a, const kmq::Image& b, int side) {
  double total = 0;
  int blocks = 0;
  for (int by = 0; by + side <= a.height(); by += side) {
    for (int bx = 0; bx + side <= a.width(); bx += side) {
      for (int c = 0; c < 3; ++c) {
        double sum_a = 0, sum_b = 0;
        for (int y = by; y < by + side; ++y) {
          for (int x = bx; x < bx + side; ++x) {
            sum_a += a.pixel(x, y)[c];
            sum_b += b.pixel(x, y)[c];
          }
        }
        const double d = (sum_a - sum_b) / (side * side);
        total += d * d;
      }
      ++blocks;
    }
  }
  return total / (3.0 * blocks);
}

TEST(OrderedDither, AFlatColourBetweenTwoEntriesAveragesToItInEveryBlock) {
  const kmq::Image image = flat_image(64, 48, 64);  // a quarter of the way from black to white
  kmq::EncodeOptions options = ordered(2);
  options.fixed_palette = {0, 0, 0, 255, 255, 255};
  const kmq::Image dithered = kmq::expand(kmq::quantize(image, options));
  for (int by = 0; by < 48; by += 8) {
    for (int bx = 0; bx < 64; bx += 8) {
      int white = 0;
      for (int y = by; y < by + 8; ++y) {
        for (int x = bx; x < bx + 8; ++x) white += dithered.pixel(x, y)[0] == 255 ? 1 : 0;
      }
      EXPECT_EQ(white, 16) << bx << "," << by;  // 64 / 255 of 64 pixels, rounded
    }
  }
  // A fixed pattern of period 8 in both directions.
  for (int y = 0; y + 8 < 48; ++y) {
    for (int x = 0; x + 8 < 64; ++x) {
      EXPECT_EQ(dithered.pixel(x, y)[0], dithered.pixel(x + 8, y)[0]);
      EXPECT_EQ(dithered.pixel(x, y)[0], dithered.pixel(x, y + 8)[0]);
    }
  }
  // Strength 0.5 draws the colour half as far towards white.
  const kmq::Image half = kmq::expand(kmq::quantize(image, [&] {
    kmq::EncodeOptions weaker = options;
    weaker.dither = 0.5;
    return weaker;
  }()));
  EXPECT_EQ(std::count(half.data().begin(), half.data().end(), 255), 64 * 48 * 3 / 8);
}

TEST(OrderedDither, BlockAveragesBeatTheNearestMapAndFilesBeatErrorDiffusion) {
  const kmq::Image image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const int k : {8, 16}) {
    kmq::EncodeOptions nearest;
    nearest.colors = k;
    kmq::EncodeOptions diffusion = nearest;
    diffusion.dither = 1;
    const kmq::Image nearest_pixels = kmq::expand(kmq::quantize(image, nearest));
    const std::vector<std::uint8_t> ordered_file = kmq::encode(image, ordered(k));
    const kmq::Image ordered_pixels = kmq::decode(ordered_file);
    EXPECT_LT(block_mse(image, ordered_pixels, 8), 0.8 * block_mse(image, nearest_pixels, 8))
        << "K=" << k;
    EXPECT_LT(ordered_file.size(), kmq::encode(image, diffusion).size()) << "K=" << k;
  }
}

TEST(OrderedDither, SameIndicesWhateverTheThreadCountAndTransparencyKept) {
  const kmq::Image image = kmq::testing::half_transparent_image(120, 80);
  kmq::EncodeOptions options = ordered(12);
  options.threads = 1;
  const kmq::IndexedImage one = kmq::quantize(image, options);
  options.threads = 3;
  EXPECT_EQ(kmq::quantize(image, options), one);
  const kmq::Image decoded = kmq::expand(one);
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      EXPECT_EQ(decoded.pixel(x, y)[3] == 0, image.pixel(x, y)[3] == 0) << x << "," << y;
    }
  }
}

TEST(OrderedDither, WorksWithSamplingTargetsAndOklab) {
  const kmq::Image image = kmq::testing::gradient_image(200, 150);
  kmq::EncodeOptions options = ordered(16);
  options.sample_pixels = 4096;
  EXPECT_EQ(kmq::quantize(image, options).palette_size(), 16);
  options.sample_pixels = 0;
  options.space = kmq::ColorSpace::oklab;
  EXPECT_LE(kmq::quantize(image, options).palette_size(), 16);
  options.space = kmq::ColorSpace::rgb;
  options.colors = 256;
  // Dithering trades PSNR for block averages: a target is measured on the dithered pixels.
  options.target_psnr = 22;
  kmq::QuantizeStats stats;
  const kmq::Image decoded = kmq::decode(kmq::encode(image, options, &stats));
  EXPECT_GE(kmq::psnr(image, decoded), 22);
  EXPECT_LT(stats.colors, 256);
}

}  // namespace
