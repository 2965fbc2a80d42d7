// SPDX-License-Identifier: MIT
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <kmq/kmq.hpp>

#include "test_images.hpp"

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

// For flat images the variances and covariance vanish, so SSIM is the luminance term alone.
double flat_ssim(double mean_a, double mean_b) {
  const double c1 = (0.01 * 255) * (0.01 * 255);
  return (2 * mean_a * mean_b + c1) / (mean_a * mean_a + mean_b * mean_b + c1);
}

kmq::Image flat_image(int width, int height, std::uint8_t value) {
  kmq::Image image(width, height, 3);
  for (auto& s : image.data()) s = value;
  return image;
}

TEST(Metrics, SsimOfFlatImagesIsTheLuminanceTermForWindowedAndTinyImages) {
  for (const int side : {40, 5}) {  // 5 < the 11-pixel window: one window over the whole image
    EXPECT_NEAR(kmq::ssim(flat_image(side, side, 100), flat_image(side, side, 110)),
                flat_ssim(100, 110), 1e-12)
        << side;
  }
}

TEST(Metrics, SsimIsOneForIdenticalImagesSymmetricAndFallsWithNoise) {
  const kmq::Image original = kmq::testing::gradient_image(64, 48);
  EXPECT_NEAR(kmq::ssim(original, original), 1.0, 1e-12);
  double previous = 1.0;
  for (const int amplitude : {4, 16, 64}) {
    kmq::Image noisy = original;
    const auto noise = kmq::testing::random_bytes(noisy.data().size(), amplitude);
    for (std::size_t i = 0; i < noise.size(); ++i) {
      const int value = noisy.data()[i] + noise[i] % (2 * amplitude + 1) - amplitude;
      noisy.data()[i] = static_cast<std::uint8_t>(std::clamp(value, 0, 255));
    }
    const double score = kmq::ssim(original, noisy);
    EXPECT_LT(score, previous) << amplitude;
    EXPECT_GT(score, 0.0);
    EXPECT_NEAR(score, kmq::ssim(noisy, original), 1e-12);
    EXPECT_NEAR(score, kmq::ssim(original, noisy, 1), 1e-12);  // thread count changes nothing
    previous = score;
  }
}

TEST(Metrics, SsimIgnoresAlphaAndRejectsSizeMismatch) {
  kmq::Image a(20, 20, 4), b(20, 20, 3);
  a.pixel(3, 3)[3] = 200;
  EXPECT_NEAR(kmq::ssim(a, b), 1.0, 1e-12);
  EXPECT_THROW(kmq::ssim(a, kmq::Image(20, 19, 3)), kmq::Error);
}

TEST(Error, CarriesCategoryAndReadableMessage) {
  const kmq::Error error(kmq::ErrorCategory::corrupt_file, "chunk 'PALT': too short");
  EXPECT_EQ(error.category(), kmq::ErrorCategory::corrupt_file);
  EXPECT_STREQ(error.what(), "corrupt file: chunk 'PALT': too short");
}

}  // namespace
