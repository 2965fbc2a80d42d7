// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <cmath>
#include <kmq/kmq.hpp>

namespace {

TEST(Image, HoldsZeroedPixelsOfTheRequestedShape) {
  const kmq::Image image(3, 2, 4);
  EXPECT_EQ(image.width(), 3);
  EXPECT_EQ(image.height(), 2);
  EXPECT_EQ(image.channels(), 4);
  EXPECT_EQ(image.data().size(), 24u);
  for (const auto sample : image.data()) EXPECT_EQ(sample, 0);
}

TEST(Image, PixelAddressesRowMajorInterleavedSamples) {
  kmq::Image image(4, 3, 3);
  image.pixel(2, 1)[1] = 77;
  EXPECT_EQ(image.data()[(1 * 4 + 2) * 3 + 1], 77);
  const kmq::Image& view = image;
  EXPECT_EQ(view.pixel(2, 1)[1], 77);
}

TEST(Image, RejectsInvalidShapesWithBadInput) {
  for (const auto& [w, h, c] :
       {std::tuple{0, 1, 3}, std::tuple{1, 0, 3}, std::tuple{1, 1, 2}, std::tuple{1, 1, 5},
        std::tuple{-4, 1, 3}, std::tuple{(1 << 24) + 1, 1, 3}}) {
    try {
      kmq::Image image(w, h, c);
      FAIL() << w << "x" << h << "x" << c << " was accepted";
    } catch (const kmq::Error& e) {
      EXPECT_EQ(e.category(), kmq::ErrorCategory::bad_input);
    }
  }
}

TEST(Image, RejectsMoreThanTheFormatPixelLimitBeforeAllocating) {
  try {
    kmq::Image image(1 << 16, 1 << 16, 3);
    FAIL() << "2^32 pixels accepted";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::limit_exceeded);
  }
}

TEST(Metrics, PsnrIsInfiniteForIdenticalImagesAndKnownForAUniformError) {
  kmq::Image a(8, 8, 3), b(8, 8, 3);
  EXPECT_TRUE(std::isinf(kmq::psnr(a, b)));
  for (auto& s : b.data()) s = 10;
  EXPECT_DOUBLE_EQ(kmq::mean_squared_error(a, b), 100.0);
  EXPECT_NEAR(kmq::psnr(a, b), 10 * std::log10(255.0 * 255.0 / 100.0), 1e-9);
}

TEST(Metrics, IgnoresAlphaAndRejectsSizeMismatch) {
  kmq::Image a(2, 2, 4), b(2, 2, 3);
  a.pixel(0, 0)[3] = 200;
  EXPECT_DOUBLE_EQ(kmq::mean_squared_error(a, b), 0.0);
  EXPECT_THROW(kmq::psnr(a, kmq::Image(3, 2, 3)), kmq::Error);
}

TEST(Error, CarriesCategoryAndReadableMessage) {
  const kmq::Error error(kmq::ErrorCategory::corrupt_file, "chunk 'PALT': too short");
  EXPECT_EQ(error.category(), kmq::ErrorCategory::corrupt_file);
  EXPECT_STREQ(error.what(), "corrupt file: chunk 'PALT': too short");
}

}  // namespace
