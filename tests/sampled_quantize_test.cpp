// SPDX-License-Identifier: MIT
// Clustering a sample of the pixels (EncodeOptions::sample_pixels): the sample, the grid that
// finds every pixel's nearest entry, and quantize() with a sample.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <kmq/kmq.hpp>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "quantize/remap/grid_remap.hpp"
#include "quantize/remap/palette_grid.hpp"
#include "quantize/stats/pixel_sample.hpp"
#include "test_images.hpp"

namespace {

using kmq::detail::PaletteGrid;

// The reference rule: scan the whole palette, strictly closer wins (ties: lower index).
std::uint16_t brute_nearest(const std::vector<std::uint8_t>& palette, const std::uint8_t* rgb) {
  int best = 0, best_distance = 1 << 30;
  for (std::size_t e = 0; e < palette.size() / 3; ++e) {
    int distance = 0;
    for (int c = 0; c < 3; ++c) {
      const int d = rgb[c] - palette[3 * e + static_cast<std::size_t>(c)];
      distance += d * d;
    }
    if (distance < best_distance) {
      best_distance = distance;
      best = static_cast<int>(e);
    }
  }
  return static_cast<std::uint16_t>(best);
}

std::vector<std::uint8_t> random_palette(std::size_t entries, std::uint32_t seed, int low = 0,
                                         int high = 255) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> value(low, high);
  std::vector<std::uint8_t> palette(3 * entries);
  for (auto& v : palette) v = static_cast<std::uint8_t>(value(generator));
  return palette;
}

TEST(PaletteGrid, FindsTheNearestEntryOfEveryColorTiedToTheLowerIndex) {
  // Spread palettes, one packed into a corner (many candidates per cell), and one with
  // repeated entries (exact ties).
  std::vector<std::vector<std::uint8_t>> palettes = {random_palette(1, 1), random_palette(2, 2),
                                                     random_palette(16, 3), random_palette(256, 4),
                                                     random_palette(300, 5, 100, 120)};
  auto repeated = random_palette(20, 6);
  repeated.insert(repeated.end(), repeated.begin(), repeated.end());
  palettes.push_back(repeated);
  std::mt19937 generator(7);
  for (const auto& palette : palettes) {
    const PaletteGrid grid(palette, kmq::testing::workers(2));
    for (int i = 0; i < 20000; ++i) {
      const std::uint8_t rgb[3] = {static_cast<std::uint8_t>(generator()),
                                   static_cast<std::uint8_t>(generator()),
                                   static_cast<std::uint8_t>(generator())};
      ASSERT_EQ(grid.nearest(rgb), brute_nearest(palette, rgb))
          << palette.size() / 3 << " entries, colour " << int(rgb[0]) << "," << int(rgb[1]) << ","
          << int(rgb[2]);
    }
    // Every colour of one cell near the corner palette, and the cube's corners.
    for (int r = 108; r < 112; ++r) {
      for (int g = 112; g < 116; ++g) {
        for (int b = 0; b < 256; b += 85) {
          const std::uint8_t rgb[3] = {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(g),
                                       static_cast<std::uint8_t>(b)};
          ASSERT_EQ(grid.nearest(rgb), brute_nearest(palette, rgb));
        }
      }
    }
  }
}

TEST(PaletteGrid, KeepsFewCandidatesPerCell) {
  const PaletteGrid grid(random_palette(256, 8), kmq::testing::workers(1));
  EXPECT_LT(grid.mean_candidates(), 3.0);  // a whole-palette scan would be 256
  EXPECT_GE(grid.mean_candidates(), 1.0);
}

TEST(PaletteGrid, CellCornerAndPlaceInvertCellOf) {
  for (std::uint32_t cell : {0u, 1u, 7u, 4095u, PaletteGrid::kCells - 1}) {
    const auto corner = PaletteGrid::cell_corner(cell);
    EXPECT_EQ(PaletteGrid::cell_of(corner.data()), cell);
    EXPECT_EQ(PaletteGrid::place_in_cell(corner.data()), 0u);
  }
  const std::uint8_t last[3] = {255, 255, 255};
  EXPECT_EQ(PaletteGrid::place_in_cell(last), PaletteGrid::kColoursPerCell - 1);
}

TEST(GridRemap, MapsEveryPixelToItsNearestEntryWhateverTheThreadCount) {
  // Clustered pixels fill some cells densely (those get tables), the gradient spreads thinly.
  const auto clustered = kmq::testing::clustered_image(
      300, 200, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 20, 3);
  const auto gradient = kmq::testing::gradient_image(256, 128);
  for (const kmq::Image* image : {&clustered, &gradient}) {
    for (const std::size_t entries : {1u, 5u, 64u, 256u, 1000u}) {
      const auto palette = random_palette(entries, static_cast<std::uint32_t>(entries));
      const auto single = kmq::detail::remap_to_nearest(*image, palette, kmq::testing::workers(1));
      ASSERT_EQ(single.size(), image->pixel_count());
      for (std::size_t i = 0; i < single.size(); ++i) {
        ASSERT_EQ(single[i], brute_nearest(palette, &image->data()[3 * i]))
            << entries << " entries, pixel " << i;
      }
      EXPECT_EQ(kmq::detail::remap_to_nearest(*image, palette, kmq::testing::workers(3)), single);
    }
  }
}

// Regression: the pixel counts per cell were taken from the first worker's, which a worker
// that got no chunk (the other thread took both) had never allocated: an intermittent crash.
// Many calls at once on two cores make that schedule common.
TEST(GridRemap, ACountingWorkerWithoutAChunkIsHarmlessWhateverTheThreadCount) {
  const auto image = kmq::testing::gradient_image(400, 300);  // two chunks of pixels
  const auto palette = random_palette(16, 9);
  const auto single = kmq::detail::remap_to_nearest(image, palette, kmq::testing::workers(1));
  std::atomic<int> wrong{0};
  {
    std::vector<std::jthread> callers;
    for (int caller = 0; caller < 8; ++caller) {
      callers.emplace_back([&] {
        for (int run = 0; run < 25; ++run) {
          if (kmq::detail::remap_to_nearest(image, palette, kmq::testing::workers(2)) != single)
            ++wrong;
        }
      });
    }
  }
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PixelSample, KeepsAFullyTransparentPixelThatTheRunsMissed) {
  kmq::Image image(100, 100, 4);
  for (std::size_t p = 0; p < image.pixel_count(); ++p) {
    for (int c = 0; c < 4; ++c) image.data()[4 * p + static_cast<std::size_t>(c)] = 200;
  }
  image.data()[4 * 5000 + 3] = 0;  // one transparent pixel among 10 000
  const auto sample = kmq::detail::sample_pixels(image, 10, 1);
  int transparent = 0;
  for (std::size_t i = 0; i < sample.pixel_count(); ++i)
    transparent += sample.data()[4 * i + 3] == 0;
  EXPECT_EQ(transparent, 1);
  // Quantized with that sample, the transparent pixel still gets the entry of alpha 0.
  kmq::EncodeOptions options;
  options.colors = 4;
  options.sample_pixels = 10;
  const auto indexed = kmq::quantize(image, options);
  EXPECT_EQ(indexed.palette[4 * indexed.indices[5000] + 3], 0);
  EXPECT_EQ(indexed.palette[4 * indexed.indices[0] + 3], 200);
}

TEST(PixelSample, TakesOnePixelFromEachEqualRunDrawnFromTheSeed) {
  // Each pixel's value is its own position, so the sample shows where it came from.
  kmq::Image image(1000, 50, 3);
  for (std::size_t p = 0; p < image.pixel_count(); ++p) {
    image.data()[3 * p] = static_cast<std::uint8_t>(p & 0xFF);
    image.data()[3 * p + 1] = static_cast<std::uint8_t>(p >> 8 & 0xFF);
    image.data()[3 * p + 2] = static_cast<std::uint8_t>(p >> 16);
  }
  const std::size_t count = 4096 * 3;
  const auto sample = kmq::detail::sample_pixels(image, count, 1);
  ASSERT_EQ(sample.pixel_count(), count);
  for (std::size_t run = 0; run < count; ++run) {
    const std::uint8_t* s = &sample.data()[3 * run];
    const std::size_t position = s[0] | std::size_t{s[1]} << 8 | std::size_t{s[2]} << 16;
    ASSERT_GE(position, run * image.pixel_count() / count);
    ASSERT_LT(position, (run + 1) * image.pixel_count() / count);
  }
  auto bytes = [](const kmq::Image& of) {
    return std::vector<std::uint8_t>(of.data().begin(), of.data().end());
  };
  EXPECT_EQ(bytes(kmq::detail::sample_pixels(image, count, 1)), bytes(sample));
  EXPECT_NE(bytes(kmq::detail::sample_pixels(image, count, 2)), bytes(sample));
  // Rounded down to whole rows of 4096; never more pixels than the image has.
  EXPECT_EQ(kmq::detail::sample_pixels(image, 5000, 1).pixel_count(), 4096u);
  EXPECT_EQ(kmq::detail::sample_pixels(image, 1000, 1).pixel_count(), 1000u);
  const auto whole = kmq::detail::sample_pixels(image, 1u << 20, 1);
  EXPECT_EQ(whole.pixel_count(), 49152u);  // 50 000 pixels, in whole rows of 4096
}

kmq::EncodeOptions sampled(int colors, std::uint64_t pixels) {
  kmq::EncodeOptions options;
  options.colors = colors;
  options.sample_pixels = pixels;
  return options;
}

TEST(SampledQuantize, ComesCloseToClusteringEveryColor) {
  const auto image = kmq::testing::clustered_image(
      400, 300, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250, 128, 128, 40}, 45, 9);
  for (const int k : {4, 16, 64}) {
    kmq::QuantizeStats stats;
    const auto indexed = kmq::quantize(image, sampled(k, 8192), &stats);
    kmq::EncodeOptions every;
    every.colors = k;
    const auto reference = kmq::quantize(image, every);
    const double ours = kmq::psnr(image, kmq::expand(indexed));
    const double full = kmq::psnr(image, kmq::expand(reference));
    EXPECT_GT(ours, full - 0.3) << "K=" << k;
    EXPECT_LE(indexed.palette.size(), 3u * static_cast<std::size_t>(k));
    EXPECT_EQ(stats.colors * 3, static_cast<int>(indexed.palette.size()));
    EXPECT_NEAR(10 * std::log10(255.0 * 255.0 / stats.mse), ours, 1e-9);
    EXPECT_LE(stats.distinct_colors, 8192u);  // the sample's colours
    EXPECT_GT(stats.iterations, 0);
    // Every pixel holds its nearest entry.
    for (std::size_t i = 0; i < indexed.indices.size(); i += 97) {
      ASSERT_EQ(indexed.indices[i], brute_nearest(indexed.palette, &image.data()[3 * i]));
    }
  }
}

TEST(SampledQuantize, IsDeterministicWhateverTheThreadCount) {
  const auto image = kmq::testing::clustered_image(
      300, 200, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 60, 4);
  auto options = sampled(32, 10000);
  options.threads = 1;
  const auto single = kmq::encode(image, options);
  for (const int threads : {2, 3}) {
    options.threads = threads;
    EXPECT_EQ(kmq::encode(image, options), single) << threads << " threads";
  }
  options.seed = 2;
  EXPECT_NE(kmq::encode(image, options), single);  // another sample
}

TEST(SampledQuantize, ASampleAsLargeAsTheImageIsTheWholeImage) {
  const auto image = kmq::testing::gradient_image(60, 40);
  kmq::EncodeOptions every;
  every.colors = 16;
  EXPECT_EQ(kmq::quantize(image, sampled(16, 2400)), kmq::quantize(image, every));
  EXPECT_EQ(kmq::quantize(image, sampled(16, 1u << 20)), kmq::quantize(image, every));
}

TEST(SampledQuantize, WorksInOklabWithDitheringAndWithTransparency) {
  const auto image = kmq::testing::clustered_image(
      200, 150, {30, 60, 90, 200, 100, 50, 90, 220, 10, 250, 250, 250}, 40, 12);
  auto oklab = sampled(16, 4096);
  oklab.space = kmq::ColorSpace::oklab;
  auto every_oklab = oklab;
  every_oklab.sample_pixels = 0;
  EXPECT_GT(kmq::psnr(image, kmq::expand(kmq::quantize(image, oklab))),
            kmq::psnr(image, kmq::expand(kmq::quantize(image, every_oklab))) - 0.5);
  auto dithered = sampled(16, 4096);
  dithered.dither = 1.0;
  const auto with_dither = kmq::quantize(image, dithered);
  // The sample's palette, moved towards the diffused colours (its own, not a fixed one).
  EXPECT_EQ(with_dither.palette_size(), kmq::quantize(image, sampled(16, 4096)).palette_size());
  EXPECT_GT(kmq::psnr(image, kmq::expand(with_dither)), 20.0);

  const auto rgba = kmq::testing::half_transparent_image(160, 100);
  const auto indexed = kmq::quantize(rgba, sampled(8, 4096));
  ASSERT_EQ(indexed.channels, 4);
  // All fully transparent pixels (the left half) share one entry of alpha 0.
  std::set<std::uint16_t> transparent;
  for (int y = 0; y < 100; ++y) {
    for (int x = 0; x < 80; ++x) transparent.insert(indexed.indices[y * 160 + x]);
  }
  ASSERT_EQ(transparent.size(), 1u);
  EXPECT_EQ(indexed.palette[4 * *transparent.begin() + 3], 0);
}

TEST(SampledQuantize, RejectsTargetsAndFixedPalettesWithBadInput) {
  const auto image = kmq::testing::gradient_image(64, 64);
  auto expect_bad = [&](kmq::EncodeOptions options) {
    try {
      kmq::quantize(image, options);
      ADD_FAILURE() << "accepted";
    } catch (const kmq::Error& error) {
      EXPECT_EQ(error.category(), kmq::ErrorCategory::bad_input);
      EXPECT_NE(std::string(error.what()).find("sample_pixels"), std::string::npos);
    }
  };
  auto with_target = sampled(16, 1000);
  with_target.target_psnr = 30;
  expect_bad(with_target);
  auto with_size = sampled(16, 1000);
  with_size.max_bytes = 10000;
  expect_bad(with_size);
  auto with_palette = sampled(16, 1000);
  with_palette.fixed_palette = {0, 0, 0, 255, 255, 255};
  expect_bad(with_palette);
  expect_bad(sampled(16, (1ull << 30) + 1));
}

}  // namespace
