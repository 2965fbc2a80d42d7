// SPDX-License-Identifier: MIT
// Rate-distortion labels (MappingOptions::rd_lambda) and the quality targets that search K and
// lambda together.
#include <gtest/gtest.h>

#include <algorithm>
#include <kmq/io.hpp>
#include <kmq/kmq.hpp>
#include <limits>

#include "quantize/remap/rd_remap.hpp"
#include "test_images.hpp"

namespace {

// A 240 x 180 crop of the sample photo: real texture, small enough for the sanitizer jobs.
kmq::Image make_sample_photo() {
  const kmq::Image whole = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  const int width = std::min(240, whole.width()), height = std::min(180, whole.height());
  const int left = (whole.width() - width) / 2, top = (whole.height() - height) / 2;
  kmq::Image crop(width, height, whole.channels());
  for (int y = 0; y < height; ++y) {
    std::copy_n(whole.pixel(left, top + y), static_cast<std::size_t>(width) * whole.channels(),
                crop.pixel(0, y));
  }
  return crop;
}

const kmq::Image& sample_photo() {
  static const kmq::Image image = make_sample_photo();
  return image;
}

kmq::EncodeOptions options_for(int k, double lambda) {
  kmq::EncodeOptions options;
  options.colors = k;
  options.rd_lambda = lambda;
  return options;
}

double squared_error(const kmq::Image& image, const kmq::IndexedImage& indexed) {
  return kmq::mean_squared_error(image, kmq::expand(indexed));
}

TEST(RdLabels, NeverRaisesTheFileAndTradesErrorForBytes) {
  const kmq::Image& image = sample_photo();
  for (const int k : {16, 64, 256}) {
    const std::size_t nearest = kmq::encode(image, options_for(k, 0)).size();
    const double nearest_mse = squared_error(image, kmq::quantize(image, options_for(k, 0)));
    std::size_t previous = nearest;
    for (const double lambda : {2.0, 8.0, 32.0, 128.0}) {
      const std::size_t bytes = kmq::encode(image, options_for(k, lambda)).size();
      const double mse = squared_error(image, kmq::quantize(image, options_for(k, lambda)));
      EXPECT_LE(bytes, nearest) << "K=" << k << " lambda=" << lambda;
      EXPECT_GE(mse, nearest_mse) << "K=" << k << " lambda=" << lambda;
      // Over a doubling or more of lambda the file shrinks (a small jitter is the coder's).
      EXPECT_LE(bytes, previous + previous / 100) << "K=" << k << " lambda=" << lambda;
      previous = bytes;
    }
    EXPECT_LT(previous, nearest * 9 / 10) << "K=" << k << ": lambda 128 saves at least 10 %";
  }
}

TEST(RdLabels, AVanishingLambdaKeepsTheNearestError) {
  const kmq::Image& image = sample_photo();
  const kmq::IndexedImage nearest = kmq::quantize(image, options_for(64, 0));
  const kmq::IndexedImage rated = kmq::quantize(image, options_for(64, 1e-9));
  EXPECT_EQ(nearest.palette, rated.palette);
  EXPECT_DOUBLE_EQ(squared_error(image, rated), squared_error(image, nearest));
}

TEST(RdLabels, SameBytesWhateverTheThreadCount) {
  const kmq::Image& image = sample_photo();
  kmq::EncodeOptions options = options_for(64, 24);
  options.threads = 1;
  const std::vector<std::uint8_t> one = kmq::encode(image, options);
  for (const int threads : {2, 3, 8}) {
    options.threads = threads;
    EXPECT_EQ(kmq::encode(image, options), one) << threads << " threads";
  }
  options.target_psnr = 29;
  options.colors = 256;
  options.threads = 1;
  const std::vector<std::uint8_t> searched = kmq::encode(image, options);
  options.threads = 2;
  EXPECT_EQ(kmq::encode(image, options), searched);
}

TEST(RdLabels, TransparentPixelsStayExactAndOpaqueOnesNeverTakeTheTransparentEntry) {
  const kmq::Image image = kmq::testing::half_transparent_image(96, 64);
  const kmq::IndexedImage indexed = kmq::quantize(image, options_for(16, 5000));
  const kmq::Image decoded = kmq::expand(indexed);
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) {
      const bool transparent = image.pixel(x, y)[3] == 0;
      EXPECT_EQ(decoded.pixel(x, y)[3] == 0, transparent) << x << "," << y;
    }
  }
}

TEST(RdLabels, TheRateModelPredictsTheLabelCoder) {
  // The whole photo: on a crop the streams' table and frame headers would weigh.
  const kmq::Image image = kmq::io::read_image(kmq::io::read_file(KMQ_SAMPLE_IMAGE));
  for (const double lambda : {16.0}) {
    kmq::EncodeOptions options = options_for(64, lambda);
    options.label_coding = kmq::LabelCodingChoice::partitions;
    kmq::QuantizeStats stats;
    const kmq::IndexedImage indexed = kmq::quantize(image, options, &stats);
    const kmq::FileInfo info = kmq::inspect(kmq::encode_indexed(indexed, options));
    const double written = 8.0 * static_cast<double>(info.label_bytes);
    EXPECT_DOUBLE_EQ(stats.rd_lambda, lambda);
    EXPECT_GT(stats.expected_label_bits, 0.8 * written) << lambda;
    EXPECT_LT(stats.expected_label_bits, 1.1 * written) << lambda;
  }
}

TEST(RdLabels, PalettesAbove256AndDitheringAreLeftAloneOrRefused) {
  const kmq::Image& image = sample_photo();
  const kmq::IndexedImage large = kmq::quantize(image, options_for(300, 0));
  kmq::QuantizeStats stats;
  EXPECT_EQ(kmq::quantize(image, options_for(300, 50), &stats), large);
  EXPECT_EQ(stats.rd_lambda, 0);
  kmq::EncodeOptions dithered = options_for(16, 8);
  dithered.dither = 1;
  EXPECT_THROW(kmq::quantize(image, dithered), kmq::Error);
  for (const double bad :
       {-1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    try {
      kmq::quantize(image, options_for(16, bad));
      ADD_FAILURE() << bad;
    } catch (const kmq::Error& error) {
      EXPECT_EQ(error.category(), kmq::ErrorCategory::bad_input);
    }
  }
}

// A target's file with K and lambda searched together, and with K only.
struct SearchedAndKOnly {
  std::vector<std::uint8_t> searched;
  kmq::QuantizeStats searched_stats;
  std::vector<std::uint8_t> k_only;
  kmq::QuantizeStats k_only_stats;
};

SearchedAndKOnly searched_and_k_only(const kmq::Image& image, kmq::EncodeOptions options) {
  SearchedAndKOnly result;
  result.searched = kmq::encode(image, options, &result.searched_stats);
  options.search_rd_lambda = false;
  result.k_only = kmq::encode(image, options, &result.k_only_stats);
  return result;
}

TEST(RdLabels, QualityTargetsMeetTheTargetInFewerBytesThanTheKSearch) {
  const kmq::Image& image = sample_photo();
  for (const double target : {28.0, 31.0, 34.0}) {
    kmq::EncodeOptions options;
    options.colors = 256;
    options.target_psnr = target;
    const auto [searched, searched_stats, k_only, k_only_stats] =
        searched_and_k_only(image, options);
    EXPECT_GE(kmq::psnr(image, kmq::decode(searched)), target);
    EXPECT_GE(kmq::psnr(image, kmq::decode(k_only)), target);
    EXPECT_LT(searched.size(), k_only.size()) << target;
    EXPECT_GT(searched_stats.rd_lambda, 0) << target;
    EXPECT_GE(searched_stats.colors, k_only_stats.colors) << target;
    EXPECT_EQ(k_only_stats.rd_lambda, 0);
  }
  kmq::EncodeOptions mse_target;
  mse_target.max_mse = 40;
  const kmq::IndexedImage indexed = kmq::quantize(image, mse_target);
  EXPECT_LE(squared_error(image, indexed), 40);
}

TEST(RdLabels, ASizeBudgetBuysMoreQualityWithLambda) {
  const kmq::Image& image = sample_photo();
  for (const std::uint64_t budget : {6000u, 12000u}) {
    kmq::EncodeOptions options;
    options.colors = 256;
    options.max_bytes = budget;
    const auto [searched, searched_stats, k_only, k_only_stats] =
        searched_and_k_only(image, options);
    EXPECT_LE(searched.size(), budget);
    EXPECT_LE(k_only.size(), budget);
    EXPECT_GT(kmq::psnr(image, kmq::decode(searched)), kmq::psnr(image, kmq::decode(k_only)))
        << budget;
    EXPECT_GT(searched_stats.rd_lambda, 0) << budget;
    EXPECT_GT(searched_stats.colors, k_only_stats.colors) << budget;
    EXPECT_DOUBLE_EQ(searched_stats.mse, kmq::mean_squared_error(image, kmq::decode(searched)));
  }
}

TEST(RdLabels, RateModelBitsAreTheEntropyOfMethodTwosStreams) {
  // A flat map costs next to nothing; a map of noise costs about log2(K) bits a pixel.
  const std::vector<std::uint8_t> palette = {0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0};
  const std::size_t width = 64, height = 64;
  const std::vector<std::uint16_t> flat(width * height, 1);
  // Only the first pixel, a literal where every other pixel repeats its neighbour, costs bits.
  EXPECT_LT(
      kmq::detail::expected_label_bits(flat, width, height, palette, 3, kmq::testing::workers(1)),
      32.0);
  std::vector<std::uint16_t> noise(width * height);
  std::uint32_t state = 12345;
  for (std::uint16_t& label : noise) {
    state = state * 1664525u + 1013904223u;
    label = static_cast<std::uint16_t>(state >> 30);
  }
  const double bits =
      kmq::detail::expected_label_bits(noise, width, height, palette, 3, kmq::testing::workers(2));
  EXPECT_GT(bits / static_cast<double>(noise.size()), 1.8);
  EXPECT_LT(bits / static_cast<double>(noise.size()), 2.2);
}

}  // namespace

namespace {

// --- SSIM targets (TargetOptions::target_ssim) ---

TEST(SsimTarget, MeetsTheTargetCloselyAndReportsTheSsimReached) {
  const kmq::Image& image = sample_photo();
  for (const double target : {0.9, 0.95}) {
    kmq::EncodeOptions options;
    options.target_ssim = target;
    kmq::QuantizeStats stats;
    const kmq::IndexedImage indexed = kmq::quantize(image, options, &stats);
    const double reached = kmq::ssim(image, kmq::expand(indexed));
    EXPECT_GE(reached, target);
    EXPECT_LT(reached, target + 0.01) << "the search overshot";
    EXPECT_DOUBLE_EQ(stats.ssim, reached);
    EXPECT_GT(stats.trials, 1);
    // The same file through encode(), whatever the thread count.
    options.threads = 1;
    EXPECT_EQ(kmq::decode_indexed(kmq::encode(image, options)).indices, indexed.indices);
  }
}

TEST(SsimTarget, AlsoMeetsAPsnrTargetSetWithIt) {
  const kmq::Image& image = sample_photo();
  kmq::EncodeOptions options;
  options.target_ssim = 0.5;  // any palette of a few colours reaches it
  options.target_psnr = 33;
  const kmq::IndexedImage indexed = kmq::quantize(image, options);
  EXPECT_GE(kmq::psnr(image, kmq::expand(indexed)), 33);
}

// Regression: the colours of fully transparent pixels, which the file keeps as one transparent
// entry, counted in the SSIM, so that no K ever met the target.
TEST(SsimTarget, ComparesImagesWithAlphaAsTheyShowOverBlack) {
  const kmq::Image image = kmq::testing::half_transparent_image(64, 48);
  kmq::EncodeOptions options;
  options.target_ssim = 0.95;
  kmq::QuantizeStats stats;
  const kmq::Image decoded = kmq::expand(kmq::quantize(image, options, &stats));
  EXPECT_GE(stats.ssim, 0.95);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 32; ++x) ASSERT_EQ(decoded.pixel(x, y)[3], 0);
  }
}

TEST(SsimTarget, RefusesBadValuesAndSaysWhenNoPaletteReachesIt) {
  const kmq::Image image = kmq::testing::gradient_image(32, 24);
  for (const double bad : {1.0, -0.1, std::numeric_limits<double>::quiet_NaN()}) {
    kmq::EncodeOptions options;
    options.target_ssim = bad;
    EXPECT_THROW(kmq::quantize(image, options), kmq::Error) << bad;
  }
  kmq::EncodeOptions sampled;
  sampled.target_ssim = 0.9;
  sampled.sample_pixels = 100;
  EXPECT_THROW(kmq::quantize(image, sampled), kmq::Error);
  kmq::EncodeOptions shared;
  shared.target_ssim = 0.9;
  const std::vector<kmq::Image> images{image, image};
  EXPECT_THROW(kmq::shared_palette(images, shared), kmq::Error);

  kmq::EncodeOptions too_few;
  too_few.target_ssim = 0.999;
  too_few.colors = 2;
  try {
    kmq::quantize(image, too_few);
    FAIL() << "two colours met SSIM 0.999 on a gradient";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::target_not_met);
    EXPECT_NE(std::string(e.what()).find("SSIM"), std::string::npos) << e.what();
  }
  kmq::EncodeOptions fixed;
  fixed.target_ssim = 0.99;
  fixed.fixed_palette = {0, 0, 0, 255, 255, 255};
  try {
    kmq::quantize(image, fixed);
    FAIL() << "black and white met SSIM 0.99 on a gradient";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::target_not_met);
  }
}

}  // namespace
