// SPDX-License-Identifier: MIT
#include "quantize/stats/color_histogram.hpp"

#include <gtest/gtest.h>

#include "test_images.hpp"

namespace {

using kmq::detail::ColorHistogram;

TEST(ColorHistogram, CountsEveryDistinctColorInFirstAppearanceOrder) {
  kmq::Image image(3, 2, 3);
  const std::uint8_t colors[6][3] = {{1, 2, 3}, {9, 9, 9}, {1, 2, 3},
                                     {4, 5, 6}, {9, 9, 9}, {1, 2, 3}};
  for (int i = 0; i < 6; ++i) std::copy_n(colors[i], 3, image.data().data() + 3 * i);
  const auto histogram = ColorHistogram::build(image);
  ASSERT_EQ(histogram.size(), 3u);
  EXPECT_EQ(histogram.color(0), kmq::detail::pack_color(colors[0], 3));
  EXPECT_EQ(histogram.count(0), 3u);
  EXPECT_EQ(histogram.count(1), 2u);
  EXPECT_EQ(histogram.count(2), 1u);
  EXPECT_EQ(histogram.find(kmq::detail::pack_color(colors[3], 3)), 2u);
}

TEST(ColorHistogram, MergesAllFullyTransparentPixelsIntoOneColor) {
  const auto image = kmq::testing::half_transparent_image(16, 4);
  const auto histogram = ColorHistogram::build(image);
  const auto transparent = histogram.find(0);
  ASSERT_LT(transparent, histogram.size());
  EXPECT_EQ(histogram.count(transparent), 32u);
}

TEST(ColorHistogram, GrowsPastItsInitialCapacity) {
  const auto image = kmq::testing::image_with_colors(300, 300, 50000);
  const auto histogram = ColorHistogram::build(image);
  EXPECT_EQ(histogram.size(), 50000u);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    total += histogram.count(i);
    EXPECT_EQ(histogram.find(histogram.color(i)), i);
  }
  EXPECT_EQ(total, 90000u);
}

TEST(ColorHistogram, AReleasedIndexIsRestoredToFindEveryColor) {
  for (const int colors : {1, 3000, 50000}) {
    auto histogram = ColorHistogram::build(kmq::testing::image_with_colors(300, 300, colors));
    histogram.restore_index();  // nothing released: nothing to do
    histogram.release_index();
    histogram.restore_index();
    ASSERT_EQ(histogram.size(), static_cast<std::size_t>(colors));
    for (std::size_t i = 0; i < histogram.size(); ++i)
      EXPECT_EQ(histogram.find(histogram.color(i)), i) << colors;
  }
}

}  // namespace
