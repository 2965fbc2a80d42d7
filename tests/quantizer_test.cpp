// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <algorithm>
#include <kmq/kmq.hpp>
#include <set>

#include "test_images.hpp"

namespace {

kmq::EncodeOptions with_colors(int k) {
  kmq::EncodeOptions options;
  options.colors = k;
  return options;
}

TEST(Quantize, KeepsAnImageWithAtMostKColorsExactly) {
  const auto image = kmq::testing::image_with_colors(40, 30, 200);
  const auto indexed = kmq::quantize(image, with_colors(256));
  EXPECT_EQ(indexed.palette_size(), 200);
  EXPECT_EQ(kmq::expand(indexed), image);
}

TEST(Quantize, KLargerThanTheColorCountGivesAnExactPalette) {
  const auto image = kmq::testing::image_with_colors(300, 300, 70000);
  const auto indexed = kmq::quantize(image, with_colors(65536));
  EXPECT_EQ(indexed.palette_size(), 65536);
  const auto exact = kmq::testing::image_with_colors(300, 200, 60000);
  const auto exact_indexed = kmq::quantize(exact, with_colors(65536));
  EXPECT_EQ(exact_indexed.palette_size(), 60000);
  EXPECT_EQ(kmq::expand(exact_indexed), exact);
}

TEST(Quantize, UsesAtMostKEntriesAndEveryIndexIsBelowK) {
  const auto image = kmq::testing::gradient_image(64, 48);
  for (const int k : {1, 2, 3, 16, 255, 256, 257, 1000}) {
    const auto indexed = kmq::quantize(image, with_colors(k));
    EXPECT_LE(indexed.palette_size(), k);
    EXPECT_GE(indexed.palette_size(), 1);
    const auto largest = *std::max_element(indexed.indices.begin(), indexed.indices.end());
    EXPECT_LT(largest, indexed.palette_size()) << "K=" << k;
  }
}

TEST(Quantize, RecoversTheColorsOfAClusteredImage) {
  const std::vector<int> centres = {10, 10, 10, 240, 20, 20, 20, 240, 20, 20, 20, 240};
  const auto image = kmq::testing::clustered_image(64, 64, centres, 4, 5);
  const auto indexed = kmq::quantize(image, with_colors(4));
  ASSERT_EQ(indexed.palette_size(), 4);
  for (std::size_t c = 0; c < 4; ++c) {
    bool found = false;
    for (int e = 0; e < 4; ++e) {
      int d = 0;
      for (int ch = 0; ch < 3; ++ch)
        d += std::abs(indexed.palette[e * 3 + ch] - centres[c * 3 + ch]);
      found = found || d <= 3;
    }
    EXPECT_TRUE(found) << "cluster " << c;
  }
  EXPECT_GT(kmq::psnr(image, kmq::expand(indexed)), 35.0);
}

TEST(Quantize, MoreColorsNeverLowerQuality) {
  const auto image = kmq::testing::gradient_image(80, 60);
  double previous = 0;
  for (const int k : {2, 8, 32, 128}) {
    const double quality = kmq::psnr(image, kmq::expand(kmq::quantize(image, with_colors(k))));
    EXPECT_GT(quality, previous) << "K=" << k;
    previous = quality;
  }
}

TEST(Quantize, FullyTransparentPixelsShareOneTransparentEntry) {
  const auto image = kmq::testing::half_transparent_image(32, 16);
  const auto indexed = kmq::quantize(image, with_colors(8));
  ASSERT_EQ(indexed.channels, 4);
  int transparent_entries = 0;
  for (int e = 0; e < indexed.palette_size(); ++e) {
    const std::uint8_t* entry = &indexed.palette[e * 4];
    if (entry[3] == 0) {
      ++transparent_entries;
      EXPECT_EQ(entry[0] + entry[1] + entry[2], 0);
    }
  }
  EXPECT_EQ(transparent_entries, 1);
  const auto decoded = kmq::expand(indexed);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 32; ++x) {
      EXPECT_EQ(decoded.pixel(x, y)[3], x < 16 ? 0 : 255) << x << "," << y;
    }
  }
}

TEST(Quantize, TranslucentPixelsKeepTheirAlpha) {
  kmq::Image image(16, 1, 4);
  for (int x = 0; x < 16; ++x) {
    image.pixel(x, 0)[0] = 200;
    image.pixel(x, 0)[3] = x < 8 ? 1 : 128;
  }
  const auto decoded = kmq::expand(kmq::quantize(image, with_colors(2)));
  for (int x = 0; x < 16; ++x) EXPECT_EQ(decoded.pixel(x, 0)[3], x < 8 ? 1 : 128);
}

TEST(Quantize, IsDeterministicForTheSameSeedWhateverTheThreadCount) {
  const auto image = kmq::testing::clustered_image(
      200, 150, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 40, 11);
  auto options = with_colors(24);
  options.threads = 1;
  const auto single = kmq::encode(image, options);
  options.threads = 3;
  EXPECT_EQ(kmq::encode(image, options), single);
  EXPECT_EQ(kmq::encode(image, options), single);
}

// Above 65536 distinct colours K-means runs on binned colours first, its starts on separate
// threads at small K: the palette must not depend on which thread ran which start.
TEST(Quantize, ManyColorsGiveTheSamePaletteWhateverTheThreadCount) {
  const auto image = kmq::testing::clustered_image(
      420, 300, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 70, 5);
  for (const int k : {8, 16, 64}) {
    auto options = with_colors(k);
    options.threads = 1;
    const auto single = kmq::encode(image, options);
    for (const int threads : {2, 3}) {
      options.threads = threads;
      EXPECT_EQ(kmq::encode(image, options), single) << "K=" << k << " threads " << threads;
    }
  }
}

TEST(Quantize, DifferentSeedsMayDifferButBothAreValid) {
  const auto image = kmq::testing::gradient_image(50, 50);
  auto options = with_colors(12);
  options.seed = 1;
  const auto a = kmq::quantize(image, options);
  options.seed = 999;
  const auto b = kmq::quantize(image, options);
  // Both are proper local optima of similar quality.
  const double quality_a = kmq::psnr(image, kmq::expand(a));
  const double quality_b = kmq::psnr(image, kmq::expand(b));
  EXPECT_GT(quality_a, 15);
  EXPECT_NEAR(quality_a, quality_b, 1.0);
}

TEST(Quantize, PaletteIsSortedByAlphaThenLuminance) {
  const auto image = kmq::testing::gradient_image(60, 40);
  const auto indexed = kmq::quantize(image, with_colors(16));
  auto luma = [&](int e) {
    return 2126 * indexed.palette[e * 3] + 7152 * indexed.palette[e * 3 + 1] +
           722 * indexed.palette[e * 3 + 2];
  };
  for (int e = 1; e < indexed.palette_size(); ++e) EXPECT_LE(luma(e - 1), luma(e));
}

TEST(Quantize, StatsReportWork) {
  const auto image = kmq::testing::gradient_image(60, 40);
  kmq::QuantizeStats stats;
  const auto indexed = kmq::quantize(image, with_colors(8), &stats);
  EXPECT_GE(stats.iterations, 1);
  EXPECT_GT(stats.inertia, 0);
  EXPECT_EQ(stats.distinct_colors, 2400u);
  const double mse = kmq::mean_squared_error(image, kmq::expand(indexed));
  EXPECT_NEAR(stats.inertia / (3.0 * 2400), mse, 1e-9 * stats.inertia);
}

TEST(Quantize, RejectsInvalidOptionsWithBadInput) {
  const auto image = kmq::testing::gradient_image(8, 8);
  kmq::EncodeOptions bad[7];
  bad[0].colors = 0;
  bad[1].colors = 65537;
  bad[2].max_iterations = 0;
  bad[3].tolerance = -1;
  bad[4].dither = 2;
  bad[5].threads = -1;
  bad[6].sample_pixels = 100;
  bad[6].target_psnr = 30;
  for (const auto& options : bad) {
    try {
      kmq::quantize(image, options);
      FAIL() << "accepted invalid options";
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), kmq::ErrorCategory::bad_input);
    }
  }
  EXPECT_THROW(kmq::quantize(kmq::Image(), kmq::EncodeOptions{}), kmq::Error);
}

// Each stage checks the options it reads: label coding options are the encoder's.
TEST(Quantize, LeavesLabelCodingOptionsToTheEncoder) {
  const auto image = kmq::testing::gradient_image(8, 8);
  for (const int level : {-1, 23}) {
    kmq::EncodeOptions options;
    options.level = level;
    const kmq::IndexedImage indexed = kmq::quantize(image, options);
    EXPECT_THROW(kmq::encode_indexed(indexed, options), kmq::Error) << level;
    EXPECT_THROW(kmq::validate(options), kmq::Error) << level;
    EXPECT_THROW(kmq::encode(image, options), kmq::Error) << level;
  }
  kmq::EncodeOptions effort;
  effort.effort = 9;
  EXPECT_NO_THROW(kmq::quantize(image, effort));
  EXPECT_THROW(kmq::encode(image, effort), kmq::Error);
}

}  // namespace
