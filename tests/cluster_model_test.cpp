// SPDX-License-Identifier: MIT
// kmq::fit_clusters: the clustering stage as estimators report it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <kmq/kmq.hpp>
#include <limits>

#include "test_images.hpp"

namespace {

kmq::EncodeOptions clusters(int k, kmq::Method method = kmq::Method::kmeans) {
  kmq::EncodeOptions options;
  options.colors = k;
  options.method = method;
  return options;
}

double squared_distance(const kmq::Image& image, std::size_t pixel, const kmq::ClusterModel& m,
                        std::size_t cluster) {
  double sum = 0;
  for (int d = 0; d < m.dimensions; ++d) {
    const double difference =
        image.data()[pixel * static_cast<std::size_t>(image.channels()) +
                     static_cast<std::size_t>(d)] -
        m.centres[cluster * static_cast<std::size_t>(m.dimensions) + static_cast<std::size_t>(d)];
    sum += difference * difference;
  }
  return sum;
}

TEST(FitClusters, InertiaIsThatOfTheCentresAndLabelsReturned) {
  const auto image = kmq::testing::gradient_image(64, 48);
  for (const kmq::Method method : {kmq::Method::kmeans, kmq::Method::minibatch}) {
    const kmq::ClusterModel model = kmq::fit_clusters(image, clusters(16, method));
    ASSERT_EQ(model.dimensions, 3);
    ASSERT_EQ(model.centres.size(), 16u * 3);
    ASSERT_EQ(model.labels.size(), image.pixel_count());
    double inertia = 0, weights = 0;
    for (std::size_t i = 0; i < image.pixel_count(); ++i)
      inertia += squared_distance(image, i, model, model.labels[i]);
    for (const double w : model.weights) weights += w;
    EXPECT_NEAR(model.inertia, inertia, 1e-6 * inertia);
    EXPECT_NEAR(weights, 1, 1e-9);
    EXPECT_GE(model.iterations, 1);
  }
}

TEST(FitClusters, KMeansLabelsAreTheNearestCentres) {
  const auto image = kmq::testing::gradient_image(40, 30);
  const kmq::ClusterModel model = kmq::fit_clusters(image, clusters(8));
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t c = 0; c < 8; ++c) best = std::min(best, squared_distance(image, i, model, c));
    EXPECT_NEAR(squared_distance(image, i, model, model.labels[i]), best, 1e-3) << "pixel " << i;
  }
}

TEST(FitClusters, AsManyClustersAsColoursIsExact) {
  const auto image = kmq::testing::image_with_colors(30, 20, 50);
  const kmq::ClusterModel model = kmq::fit_clusters(image, clusters(256));
  EXPECT_EQ(model.centres.size(), 50u * 3);
  EXPECT_EQ(model.inertia, 0);
}

TEST(FitClusters, MixtureHasCovariancesAndRgbaHasFourDimensions) {
  const auto image = kmq::testing::gradient_image(48, 32);
  const kmq::ClusterModel mixture = kmq::fit_clusters(image, clusters(4, kmq::Method::gmm));
  ASSERT_EQ(mixture.covariances.size(), 4u * 9);
  EXPECT_TRUE(std::isfinite(mixture.log_likelihood));
  for (std::size_t c = 0; c < 4; ++c) EXPECT_GT(mixture.covariances[c * 9], 0);
  kmq::Image rgba(16, 16, 4);
  for (std::size_t i = 0; i < rgba.data().size(); ++i)
    rgba.data()[i] = static_cast<std::uint8_t>(i * 37 % 251);
  EXPECT_EQ(kmq::fit_clusters(rgba, clusters(5)).dimensions, 4);
}

TEST(FitClusters, RefusesWhatHasNoMeaningForAGivenK) {
  const auto image = kmq::testing::gradient_image(8, 8);
  kmq::EncodeOptions sampled = clusters(4);
  sampled.sample_pixels = 16;
  EXPECT_THROW(kmq::fit_clusters(image, sampled), kmq::Error);
  kmq::EncodeOptions target = clusters(4);
  target.target_psnr = 30;
  EXPECT_THROW(kmq::fit_clusters(image, target), kmq::Error);
  EXPECT_THROW(kmq::fit_clusters(kmq::Image(), clusters(4)), kmq::Error);
}

// More colours than the clustering takes unbinned (2^16), 9 pixels each: the estimator polishes
// several binned starts to convergence, and must be at least as good as the codec's palette
// (one start, a few iterations, entries rounded to 8 bits), for every thread count.
TEST(FitClusters, ManyPixelsPerColourConvergeBelowTheCodecsPalette) {
  kmq::Image image(1024, 640, 3);
  for (int y = 0; y < 640; ++y) {
    for (int x = 0; x < 1024; ++x) {
      const int id = (y * 1024 + x) / 9;
      std::uint8_t* p = image.pixel(x, y);
      p[0] = static_cast<std::uint8_t>(id & 255);
      p[1] = static_cast<std::uint8_t>((id >> 8) * 7 & 255);
      p[2] = static_cast<std::uint8_t>((id >> 16) * 97 + (id >> 8) % 37);
    }
  }
  kmq::EncodeOptions one = clusters(32);
  one.threads = 1;
  const kmq::ClusterModel model = kmq::fit_clusters(image, one);
  kmq::EncodeOptions two = one;
  two.threads = 2;
  EXPECT_EQ(kmq::fit_clusters(image, two).centres, model.centres);
  const kmq::IndexedImage palette = kmq::quantize(image, one);
  double codec = 0;
  for (std::size_t i = 0; i < image.pixel_count(); ++i) {
    double nearest = std::numeric_limits<double>::infinity();
    for (std::size_t e = 0; e < palette.palette_size(); ++e) {
      double d2 = 0;
      for (int c = 0; c < 3; ++c) {
        const double d = static_cast<double>(image.data()[i * 3 + static_cast<std::size_t>(c)]) -
                         palette.palette[e * 3 + static_cast<std::size_t>(c)];
        d2 += d * d;
      }
      nearest = std::min(nearest, d2);
    }
    codec += nearest;
  }
  EXPECT_LT(model.inertia, codec);
}

TEST(FitClusters, SameResultForEveryThreadCount) {
  const auto image = kmq::testing::gradient_image(200, 150);
  kmq::EncodeOptions one = clusters(32);
  one.threads = 1;
  kmq::EncodeOptions many = clusters(32);
  many.threads = 4;
  const kmq::ClusterModel a = kmq::fit_clusters(image, one), b = kmq::fit_clusters(image, many);
  EXPECT_EQ(a.centres, b.centres);
  EXPECT_EQ(a.labels, b.labels);
}

}  // namespace
