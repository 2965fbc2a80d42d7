// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <kmq/kmq.hpp>

#include "test_images.hpp"

namespace {

struct Case {
  int width;
  int height;
  int colors;
};

class RoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTrip, DecodeGivesBackExactlyTheQuantizedImage) {
  const Case c = GetParam();
  const auto image = kmq::testing::gradient_image(c.width, c.height);
  kmq::EncodeOptions options;
  options.colors = c.colors;
  const auto indexed = kmq::quantize(image, options);
  const auto file = kmq::encode_indexed(indexed, options);
  EXPECT_EQ(kmq::decode_indexed(file), indexed);
  EXPECT_EQ(kmq::decode(file), kmq::expand(indexed));
  EXPECT_EQ(kmq::encode(image, options), file);
}

INSTANTIATE_TEST_SUITE_P(Shapes, RoundTrip,
                         ::testing::Values(Case{1, 1, 1}, Case{1, 1, 16}, Case{1, 37, 4},
                                           Case{37, 1, 4}, Case{17, 13, 2}, Case{64, 64, 256},
                                           Case{65, 33, 257}, Case{100, 80, 3000}));

TEST(RoundTrip, RgbaKeepsAlpha) {
  const auto image = kmq::testing::half_transparent_image(40, 20);
  kmq::EncodeOptions options;
  options.colors = 32;
  const auto indexed = kmq::quantize(image, options);
  const auto decoded = kmq::decode(kmq::encode_indexed(indexed, options));
  EXPECT_EQ(decoded.channels(), 4);
  EXPECT_EQ(decoded, kmq::expand(indexed));
}

TEST(RoundTrip, ImagesWithAtMostKColorsAreLossless) {
  for (const int colors : {1, 2, 17, 256, 300, 4096}) {
    const auto image = kmq::testing::image_with_colors(97, 53, colors);
    kmq::EncodeOptions options;
    options.colors = colors;
    EXPECT_EQ(kmq::decode(kmq::encode(image, options)), image) << colors << " colours";
  }
}

TEST(RoundTrip, HandBuiltIndexedImageWithTwoByteIndices) {
  kmq::IndexedImage indexed;
  indexed.width = 300;
  indexed.height = 2;
  indexed.channels = 3;
  for (int e = 0; e < 300; ++e) {
    indexed.palette.insert(indexed.palette.end(),
                           {std::uint8_t(e), std::uint8_t(e >> 8), std::uint8_t(255 - e % 256)});
  }
  for (int i = 0; i < 600; ++i) indexed.indices.push_back(static_cast<std::uint16_t>(i % 300));
  const auto file = kmq::encode_indexed(indexed, {});
  EXPECT_EQ(kmq::decode_indexed(file), indexed);
}

TEST(Encode, RejectsAnInconsistentIndexedImage) {
  kmq::IndexedImage indexed;
  indexed.width = 2;
  indexed.height = 1;
  indexed.channels = 3;
  indexed.palette = {1, 2, 3};
  indexed.indices = {0, 1};
  EXPECT_THROW(kmq::encode_indexed(indexed, {}), kmq::Error);
  indexed.indices = {0};
  EXPECT_THROW(kmq::encode_indexed(indexed, {}), kmq::Error);
  EXPECT_THROW(kmq::expand(indexed), kmq::Error);
}

}  // namespace
