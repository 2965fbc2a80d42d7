// SPDX-License-Identifier: MIT
// Clustering methods, colour spaces, dithering, fixed palettes and automatic K.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <kmq/kmq.hpp>
#include <random>

#include "quantize/cluster/gmm.hpp"
#include "quantize/cluster/minibatch.hpp"
#include "quantize/cluster/nearest_centre.hpp"
#include "quantize/stats/colorspace.hpp"
#include "test_images.hpp"

namespace {

using kmq::detail::kDims;

const std::vector<int> kTrueCentres = {20, 30, 40, 220, 40,  60,  40, 200,
                                       90, 70, 60, 230, 240, 240, 240};

kmq::EncodeOptions options_for(kmq::Method method, int k) {
  kmq::EncodeOptions options;
  options.method = method;
  options.colors = k;
  return options;
}

// Largest distance from a true centre to the nearest palette entry.
double worst_centre_miss(const kmq::IndexedImage& indexed, const std::vector<int>& centres) {
  double worst = 0;
  for (std::size_t c = 0; c + 2 < centres.size(); c += 3) {
    double best = 1e9;
    for (int e = 0; e < indexed.palette_size(); ++e) {
      double d2 = 0;
      for (int ch = 0; ch < 3; ++ch) {
        const double d = indexed.palette[e * indexed.channels + ch] - centres[c + ch];
        d2 += d * d;
      }
      best = std::min(best, std::sqrt(d2));
    }
    worst = std::max(worst, best);
  }
  return worst;
}

class EveryMethod : public ::testing::TestWithParam<kmq::Method> {};

TEST_P(EveryMethod, RecoversKnownClusters) {
  const auto image = kmq::testing::clustered_image(120, 100, kTrueCentres, 6, 21);
  const auto indexed = kmq::quantize(image, options_for(GetParam(), 5));
  EXPECT_EQ(indexed.palette_size(), 5);
  EXPECT_LT(worst_centre_miss(indexed, kTrueCentres), 3.0);
  EXPECT_GT(kmq::psnr(image, kmq::expand(indexed)), 32);
}

TEST_P(EveryMethod, IsDeterministicWhateverTheThreadCount) {
  const auto image = kmq::testing::clustered_image(150, 90, kTrueCentres, 30, 4);
  auto options = options_for(GetParam(), 12);
  options.threads = 1;
  const auto single = kmq::encode(image, options);
  options.threads = 4;
  EXPECT_EQ(kmq::encode(image, options), single);
}

TEST_P(EveryMethod, SupportsWideIndexMapsAndExactPalettes) {
  const auto image = kmq::testing::image_with_colors(64, 40, 2000);
  auto options = options_for(GetParam(), 1500);
  const auto indexed = kmq::quantize(image, options);
  EXPECT_GT(indexed.palette_size(), 256);
  EXPECT_LE(indexed.palette_size(), 1500);
  EXPECT_EQ(kmq::decode_indexed(kmq::encode_indexed(indexed, options)), indexed);
  options.colors = 65536;
  EXPECT_EQ(kmq::expand(kmq::quantize(image, options)), image);  // K > colours: exact
}

TEST_P(EveryMethod, WorksInOklab) {
  const auto image = kmq::testing::clustered_image(80, 60, kTrueCentres, 5, 8);
  auto options = options_for(GetParam(), 5);
  options.space = kmq::ColorSpace::oklab;
  const auto indexed = kmq::quantize(image, options);
  EXPECT_LT(worst_centre_miss(indexed, kTrueCentres), 4.0);
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod,
                         ::testing::Values(kmq::Method::kmeans, kmq::Method::minibatch,
                                           kmq::Method::gmm),
                         [](const auto& info) {
                           return std::string(kmq::method_name(info.param));
                         });

// --- mini-batch ---

TEST(MiniBatch, IsFasterWorkThanLloydOnALargeImage) {
  // Mini-batch touches a bounded number of samples: its step count times batch size stays
  // well below what full K-means touches (iterations x colours).
  const auto image = kmq::testing::clustered_image(400, 300, kTrueCentres, 40, 2);
  kmq::QuantizeStats minibatch, lloyd;
  auto options = options_for(kmq::Method::minibatch, 8);
  options.batch_size = 1024;
  kmq::quantize(image, options, &minibatch);
  kmq::quantize(image, options_for(kmq::Method::kmeans, 8), &lloyd);
  EXPECT_LT(static_cast<double>(minibatch.iterations) * options.batch_size,
            static_cast<double>(lloyd.iterations) * static_cast<double>(lloyd.distinct_colors));
  EXPECT_LT(minibatch.mse, lloyd.mse * 1.2);
}

TEST(MiniBatch, MovesStarvedCentres) {
  // Two far clusters with most weight, and a rare third: reassignment keeps centres useful.
  kmq::detail::WeightedPoints points;
  for (int i = 0; i < 200; ++i) {
    points.coords.insert(points.coords.end(), {float(i % 10), float(i / 10), 0, 0});
    points.weights.push_back(50);
    points.coords.insert(points.coords.end(), {float(200 + i % 10), float(200 + i / 10), 0, 0});
    points.weights.push_back(50);
  }
  kmq::detail::MiniBatchParams params;
  params.clusters = 6;
  params.batch_size = 256;
  const auto result = kmq::detail::run_minibatch(points, params);
  std::vector<int> used(6, 0);
  for (const auto a : result.assignment) used[a] = 1;
  EXPECT_EQ(std::count(used.begin(), used.end(), 1), 6);
}

// --- Gaussian mixture ---

kmq::detail::WeightedPoints gaussian_points(std::uint64_t seed) {
  // Two blobs: a narrow one (sd 2) and a wide one (sd 12), equal weight, whole-number coords.
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> narrow(0, 2), wide(0, 12);
  kmq::detail::WeightedPoints points;
  for (int i = 0; i < 4000; ++i) {
    const bool is_wide = i % 2;
    auto& dist = is_wide ? wide : narrow;
    const double centre = is_wide ? 170 : 80;
    for (int d = 0; d < 3; ++d) {
      points.coords.push_back(
          static_cast<float>(std::clamp(std::round(centre + dist(rng)), 0.0, 255.0)));
    }
    points.coords.push_back(0);
    points.weights.push_back(1);
  }
  return points;
}

TEST(Gmm, LogLikelihoodNeverDecreasesAndConverges) {
  const auto points = gaussian_points(1);
  std::vector<std::uint32_t> initial(points.size());
  for (std::size_t i = 0; i < initial.size(); ++i) initial[i] = static_cast<std::uint32_t>(i % 3);
  kmq::detail::GmmParams params;
  params.components = 3;
  params.tolerance = 1e-6;
  params.max_iterations = 300;
  const auto result = kmq::detail::fit_gmm(points, initial, params);
  ASSERT_GE(result.log_likelihood.size(), 3u);
  for (std::size_t i = 1; i < result.log_likelihood.size(); ++i) {
    EXPECT_GE(result.log_likelihood[i], result.log_likelihood[i - 1] - 1e-9) << "step " << i;
  }
  EXPECT_TRUE(result.converged);
}

TEST(Gmm, LearnsDifferentSpreadsUnlikeKMeans) {
  const auto points = gaussian_points(2);
  std::vector<std::uint32_t> initial(points.size());
  for (std::size_t i = 0; i < initial.size(); ++i) {
    initial[i] = points.coords[i * kDims] < 125 ? 0 : 1;
  }
  kmq::detail::GmmParams params;
  params.components = 2;
  const auto result = kmq::detail::fit_gmm(points, initial, params);
  const int narrow = result.means[0] < result.means[4] ? 0 : 1;
  const int wide = 1 - narrow;
  EXPECT_NEAR(result.means[narrow * kDims], 80, 1.0);
  EXPECT_NEAR(result.means[wide * kDims], 170, 2.0);
  EXPECT_NEAR(result.covariances[narrow * 9], 4, 1.5);  // variance of sd 2
  EXPECT_NEAR(result.covariances[wide * 9], 144, 25);   // variance of sd 12
  EXPECT_NEAR(result.weights[0], 0.5, 0.05);
  // A point between the blobs but nearer the narrow mean belongs to the wide component: the
  // rule that separates a mixture from K-means.
  std::vector<float> query = {110, 110, 110, 0};
  kmq::detail::WeightedPoints one;
  one.coords = query;
  one.weights = {1};
  const auto single = kmq::detail::fit_gmm(points, initial, params);
  (void)single;
  double log_p[2];
  for (int c = 0; c < 2; ++c) {
    // Isotropic approximation of the fitted components is enough for this check.
    const double var = result.covariances[c * 9];
    double d2 = 0;
    for (int d = 0; d < 3; ++d) d2 += std::pow(query[d] - result.means[c * kDims + d], 2);
    log_p[c] = std::log(result.weights[c]) - 1.5 * std::log(var) - 0.5 * d2 / var;
  }
  EXPECT_GT(log_p[wide], log_p[narrow]);
}

TEST(Gmm, NearestAssignmentNeverHasHigherErrorThanMap) {
  const auto image = kmq::testing::clustered_image(100, 80, kTrueCentres, 35, 9);
  auto options = options_for(kmq::Method::gmm, 6);
  kmq::QuantizeStats map_stats, nearest_stats;
  options.gmm_assign = kmq::GmmAssign::map;
  kmq::quantize(image, options, &map_stats);
  options.gmm_assign = kmq::GmmAssign::nearest;
  kmq::quantize(image, options, &nearest_stats);
  EXPECT_LE(nearest_stats.mse, map_stats.mse + 1e-9);
  EXPECT_LT(map_stats.log_likelihood, 0);
  EXPECT_GE(map_stats.iterations, 1);
}

// --- colour space ---

TEST(Oklab, RoundTripsEvery8BitColorOnAGridExactly) {
  const kmq::detail::ColorSpaceMapper mapper(kmq::ColorSpace::oklab, 4);
  std::mt19937 rng(5);
  std::vector<std::uint32_t> colours;
  for (int r = 0; r < 256; r += 15) {
    for (int g = 0; g < 256; g += 15) {
      for (int b = 0; b < 256; b += 15) {
        colours.push_back(static_cast<std::uint32_t>(r | g << 8 | b << 16 | 200u << 24));
      }
    }
  }
  for (int i = 0; i < 20000; ++i) colours.push_back(static_cast<std::uint32_t>(rng()) | 1u << 24);
  for (const std::uint32_t packed : colours) {
    float point[4];
    mapper.to_point(packed, point);
    ASSERT_EQ(mapper.to_packed(point), packed) << std::hex << packed;
  }
}

TEST(Oklab, MatchesReferenceValues) {
  // White is L=1, a=b=0; pure red is (0.62796, 0.22486, 0.12585) in Ottosson's definition.
  const auto white = kmq::detail::srgb_to_oklab(1, 1, 1);
  EXPECT_NEAR(white[0], 1.0, 1e-4);
  EXPECT_NEAR(white[1], 0.0, 1e-4);
  EXPECT_NEAR(white[2], 0.0, 1e-4);
  const auto red = kmq::detail::srgb_to_oklab(1, 0, 0);
  EXPECT_NEAR(red[0], 0.62796, 1e-4);
  EXPECT_NEAR(red[1], 0.22486, 1e-4);
  EXPECT_NEAR(red[2], 0.12585, 1e-4);
  const auto back = kmq::detail::oklab_to_srgb(red[0], red[1], red[2]);
  EXPECT_NEAR(back[0], 1.0, 1e-6);
  EXPECT_NEAR(back[1], 0.0, 1e-6);
}

// --- dithering ---

namespace {

kmq::Image two_gradients() {
  kmq::Image image(128, 64, 3);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 128; ++x) {
      image.pixel(x, y)[0] = static_cast<std::uint8_t>(2 * x);
      image.pixel(x, y)[1] = static_cast<std::uint8_t>(4 * y);
      image.pixel(x, y)[2] = 100;
    }
  }
  return image;
}

// Sum over 8x8 blocks and channels of |block mean of the original - block mean of the result|:
// the error that survives the blur of the eye's scale.
double block_error(const kmq::Image& image, const kmq::IndexedImage& indexed) {
  const auto pixels = kmq::expand(indexed);
  double total = 0;
  for (int by = 0; by + 8 <= image.height(); by += 8) {
    for (int bx = 0; bx + 8 <= image.width(); bx += 8) {
      for (int c = 0; c < 3; ++c) {
        double a = 0, b = 0;
        for (int y = by; y < by + 8; ++y) {
          for (int x = bx; x < bx + 8; ++x) {
            a += image.pixel(x, y)[c];
            b += pixels.pixel(x, y)[c];
          }
        }
        total += std::abs(a - b) / 64;
      }
    }
  }
  return total;
}

}  // namespace

TEST(Dither, KeepsIndicesBelowKAndPreservesAverageColor) {
  const kmq::Image image = two_gradients();
  auto options = options_for(kmq::Method::kmeans, 4);
  const auto plain = kmq::quantize(image, options);
  options.dither = 1.0;
  const auto dithered = kmq::quantize(image, options);
  ASSERT_EQ(dithered.palette_size(), plain.palette_size());
  const auto largest = *std::max_element(dithered.indices.begin(), dithered.indices.end());
  EXPECT_LT(largest, dithered.palette_size());
  EXPECT_NE(dithered.indices, plain.indices);
  // Error diffusion keeps local averages: compare 8x8 block means with the original.
  EXPECT_LT(block_error(image, dithered), 0.6 * block_error(image, plain));
}

TEST(Dither, MovedEntriesKeepTheirAlpha) {
  kmq::Image image(64, 48, 4);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 64; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(4 * x);
      p[1] = static_cast<std::uint8_t>(5 * y);
      p[2] = static_cast<std::uint8_t>(x + y);
      p[3] = x < 16 ? 0 : (y < 24 ? 255 : 128);  // transparent, opaque, translucent
    }
  }
  auto options = options_for(kmq::Method::kmeans, 8);
  const auto plain = kmq::quantize(image, options);
  options.dither = 1.0;
  const auto moved = kmq::quantize(image, options);
  ASSERT_EQ(moved.palette_size(), plain.palette_size());
  for (std::size_t e = 0; e < plain.palette_size(); ++e) {
    EXPECT_EQ(moved.palette[e * 4 + 3], plain.palette[e * 4 + 3]) << "entry " << e;
  }
  const auto pixels = kmq::expand(moved);
  for (int y = 0; y < 48; ++y) {
    for (int x = 0; x < 64; ++x) {
      ASSERT_EQ(pixels.pixel(x, y)[3] == 0, x < 16) << x << "," << y;
      if (y < 24 && x >= 16) ASSERT_EQ(pixels.pixel(x, y)[3], 255) << x << "," << y;
    }
  }
}

TEST(Dither, ZeroStrengthIsOffAndTransparencyIsKept) {
  const auto image = kmq::testing::half_transparent_image(40, 20);
  auto options = options_for(kmq::Method::kmeans, 6);
  options.dither = 0.8;
  const auto indexed = kmq::quantize(image, options);
  const auto decoded = kmq::expand(indexed);
  for (int y = 0; y < 20; ++y) {
    for (int x = 0; x < 40; ++x) EXPECT_EQ(decoded.pixel(x, y)[3], x < 20 ? 0 : 255);
  }
  options.dither = 0;
  options.colors = 6;
  EXPECT_EQ(kmq::quantize(image, options),
            kmq::quantize(image, options_for(kmq::Method::kmeans, 6)));
}

// --- fixed palette ---

TEST(FixedPalette, KeepsItsOrderAndMapsToTheNearestEntry) {
  const auto image = kmq::testing::gradient_image(32, 16);
  kmq::EncodeOptions options;
  options.fixed_palette = {255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0};
  const auto indexed = kmq::quantize(image, options);
  EXPECT_EQ(indexed.palette, options.fixed_palette);
  for (int y = 0; y < 16; ++y) {
    for (int x = 0; x < 32; ++x) {
      const std::uint8_t* p = image.pixel(x, y);
      int best = 0;
      double best_d = 1e18;
      for (int e = 0; e < 4; ++e) {
        double d = 0;
        for (int c = 0; c < 3; ++c) d += std::pow(p[c] - options.fixed_palette[e * 3 + c], 2);
        if (d < best_d) best_d = d, best = e;
      }
      EXPECT_EQ(indexed.indices[static_cast<std::size_t>(y) * 32 + x], best);
    }
  }
}

TEST(FixedPalette, RgbaPaletteKeepsTransparentPixelsTransparent) {
  const auto image = kmq::testing::half_transparent_image(16, 4);
  kmq::EncodeOptions options;
  options.fixed_palette = {10, 10, 10, 255, 0, 0, 0, 0, 250, 250, 250, 255};
  options.fixed_palette_channels = 4;
  const auto decoded = kmq::expand(kmq::quantize(image, options));
  for (int x = 0; x < 8; ++x) EXPECT_EQ(decoded.pixel(x, 0)[3], 0);
  for (int x = 8; x < 16; ++x) EXPECT_EQ(decoded.pixel(x, 0)[3], 255);
}

// --- automatic K ---

TEST(AutoK, TargetPsnrGivesTheSmallestKThatMeetsIt) {
  const auto image = kmq::testing::gradient_image(60, 40);
  kmq::EncodeOptions options;
  options.target_psnr = 30;
  kmq::QuantizeStats stats;
  const auto indexed = kmq::quantize(image, options, &stats);
  const int k = indexed.palette_size();
  EXPECT_EQ(stats.colors, k);
  EXPECT_GE(kmq::psnr(image, kmq::expand(indexed)), 30);
  EXPECT_GT(stats.trials, 2);
  EXPECT_LT(stats.trials, 2 * 17);  // a search, not a scan
  kmq::EncodeOptions smaller;
  smaller.colors = k - 1;
  EXPECT_LT(kmq::psnr(image, kmq::expand(kmq::quantize(image, smaller))), 30);
}

TEST(AutoK, MaxMseIsTheSameTargetInOtherUnits) {
  const auto image = kmq::testing::gradient_image(60, 40);
  kmq::EncodeOptions by_psnr, by_mse;
  by_psnr.target_psnr = 28;
  by_mse.max_mse = 255.0 * 255.0 / std::pow(10.0, 2.8);
  EXPECT_EQ(kmq::quantize(image, by_psnr), kmq::quantize(image, by_mse));
}

TEST(AutoK, MaxBytesGivesTheLargestKThatFits) {
  const auto image = kmq::testing::gradient_image(80, 60);
  kmq::EncodeOptions options;
  options.colors = 65536;  // with a target: the largest K tried
  options.max_bytes = 2500;
  kmq::QuantizeStats stats;
  const auto file = kmq::encode(image, options, &stats);
  EXPECT_LE(file.size(), 2500u);
  kmq::EncodeOptions larger;
  larger.colors = stats.colors + 1;
  EXPECT_GT(kmq::encode(image, larger).size(), 2500u);
}

TEST(AutoK, ColorsCapsTheSearchAsPngquantsColorCountDoes) {
  const auto image = kmq::testing::gradient_image(80, 60);
  kmq::EncodeOptions options;
  options.colors = 12;
  options.max_bytes = 100000;  // every K fits: the cap decides
  kmq::QuantizeStats stats;
  kmq::encode(image, options, &stats);
  EXPECT_EQ(stats.colors, 12);
  options.max_bytes = 0;
  options.target_psnr = 60;  // beyond 12 colours
  try {
    kmq::quantize(image, options);
    ADD_FAILURE() << "a target beyond the cap was met";
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::target_not_met);
    EXPECT_NE(std::string(e.what()).find("K <= 12"), std::string::npos) << e.what();
  }
}

TEST(AutoK, UnreachableTargetsFailWithTargetNotMet) {
  const auto image = kmq::testing::image_with_colors(300, 300, 70000);
  kmq::EncodeOptions options;
  options.target_psnr = 200;
  options.method = kmq::Method::minibatch;
  try {
    kmq::quantize(image, options);
    FAIL();
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::target_not_met);
  }
  kmq::EncodeOptions tiny;
  tiny.max_bytes = 10;
  try {
    kmq::encode(kmq::testing::gradient_image(20, 20), tiny);
    FAIL();
  } catch (const kmq::Error& e) {
    EXPECT_EQ(e.category(), kmq::ErrorCategory::target_not_met);
  }
}

TEST(AutoK, ImagesWithFewColorsMeetAnyQualityTargetExactly) {
  const auto image = kmq::testing::image_with_colors(30, 30, 40);
  kmq::EncodeOptions options;
  options.target_psnr = 99;
  const auto indexed = kmq::quantize(image, options);
  EXPECT_EQ(kmq::expand(indexed), image);
  EXPECT_EQ(indexed.palette_size(), 40);
}

}  // namespace

// --- alpha ---

// Opaque pixels clustered with nearly opaque ones (an icon's antialiased rim) used to take the
// mean alpha, 253 here: every opaque pixel of the cluster came out slightly translucent.
kmq::Image opaque_with_rim(int opaque_percent) {
  kmq::Image image(50, 40, 4);
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 50; ++x) {
      std::uint8_t* p = image.pixel(x, y);
      if (y >= 30) {  // a separate translucent colour, far from opaque
        p[0] = p[1] = p[2] = 40, p[3] = 128;
        continue;
      }
      const bool opaque = x < opaque_percent / 2;
      p[0] = static_cast<std::uint8_t>(200 + (x + y) % 5);
      p[1] = p[2] = 190;
      p[3] = opaque ? 255 : 250;
    }
  }
  return image;
}

TEST(Alpha, AnEntryMostlyOfOpaquePixelsIsOpaque) {
  const kmq::Image image = opaque_with_rim(60);
  auto options = options_for(kmq::Method::kmeans, 2);
  const kmq::Image decoded = kmq::expand(kmq::quantize(image, options));
  for (int y = 0; y < 40; ++y) {
    for (int x = 0; x < 50; ++x) {
      if (image.pixel(x, y)[3] == 255) ASSERT_EQ(decoded.pixel(x, y)[3], 255) << x << "," << y;
      if (y >= 30) ASSERT_EQ(decoded.pixel(x, y)[3], 128);
    }
  }
}

TEST(Alpha, AnEntryOfFewOpaquePixelsKeepsItsMeanAlpha) {
  const kmq::Image image = opaque_with_rim(10);  // 10 % opaque, 90 % at alpha 250
  auto options = options_for(kmq::Method::kmeans, 2);
  const kmq::Image decoded = kmq::expand(kmq::quantize(image, options));
  EXPECT_EQ(decoded.pixel(0, 0)[3], 251);
  EXPECT_EQ(decoded.pixel(40, 0)[3], 251);
}
