// SPDX-License-Identifier: MIT
// kmq::fit_clusters: stage 1 and the clustering of stage 2, reported in the clustering space
// with every pixel's cluster, for estimators.
#include <algorithm>
#include <kmq/kmq.hpp>
#include <string>

#include "api/options.hpp"
#include "common/parallel.hpp"
#include "quantize/remap/remap.hpp"
#include "quantize/stages.hpp"
#include "quantize/stats/color_histogram.hpp"

namespace kmq {

namespace {

[[noreturn]] void bad_input(const std::string& message) {
  throw Error(ErrorCategory::bad_input, message);
}

}  // namespace

ClusterModel fit_clusters(const Image& image, const EncodeOptions& options) {
  detail::validate_quantize(options);
  if (image.empty()) bad_input("cannot cluster an empty image");
  if (options.sample_pixels != 0 || !options.fixed_palette.empty() || options.target_psnr > 0 ||
      options.max_mse > 0 || options.target_ssim > 0 || options.max_bytes > 0) {
    bad_input(
        "fit_clusters clusters every pixel for a given K: no sample, fixed palette or "
        "target");
  }
  const detail::WorkerScope scope(options.runner, options.threads);
  const detail::ColorStatistics statistics =
      detail::gather_color_statistics(image, options.space, scope.workers());
  const std::size_t distinct = statistics.points.size();
  const int clusters =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(options.colors), distinct));
  const int dimensions = image.channels() == 4 ? 4 : 3;
  ClusterModel model;
  model.dimensions = dimensions;
  std::vector<std::uint32_t> label_of_distinct(distinct);
  std::vector<double> centres(static_cast<std::size_t>(clusters) * 4, 0);
  if (static_cast<std::size_t>(clusters) == distinct) {
    // Every colour its own cluster: what K-means converges to, without running it.
    for (std::size_t i = 0; i < distinct; ++i) {
      label_of_distinct[i] = static_cast<std::uint32_t>(i);
      for (int d = 0; d < 4; ++d)
        centres[i * 4 + static_cast<std::size_t>(d)] =
            statistics.points.coords[i * 4 + static_cast<std::size_t>(d)];
    }
  } else {
    detail::ClusteredPoints clustered = detail::cluster_points(
        statistics.points, clusters, image.channels(), options, scope.workers(),
        /*converge=*/true);
    label_of_distinct = std::move(clustered.assignment);
    for (std::size_t i = 0; i < centres.size(); ++i) centres[i] = clustered.centres[i];
    model.iterations = clustered.iterations;
    model.log_likelihood = clustered.log_likelihood;
    model.weights = std::move(clustered.mixture_weights);
    model.covariances = std::move(clustered.covariances);
  }
  model.centres.resize(static_cast<std::size_t>(clusters) * static_cast<std::size_t>(dimensions));
  for (int c = 0; c < clusters; ++c) {
    for (int d = 0; d < dimensions; ++d)
      model.centres[static_cast<std::size_t>(c * dimensions + d)] =
          centres[static_cast<std::size_t>(c * 4 + d)];
  }
  // Pixel weights per cluster and the inertia of these centres, from the colour counts.
  std::vector<double> pixels_in(static_cast<std::size_t>(clusters), 0);
  double inertia = 0;
  for (std::size_t i = 0; i < distinct; ++i) {
    const std::uint32_t c = label_of_distinct[i];
    const double weight = statistics.points.weights[i];
    pixels_in[c] += weight;
    double distance = 0;
    for (int d = 0; d < 4; ++d) {
      const double difference = statistics.points.coords[i * 4 + static_cast<std::size_t>(d)] -
                                centres[c * 4 + static_cast<std::size_t>(d)];
      distance += difference * difference;
    }
    inertia += weight * distance;
  }
  model.inertia = inertia;
  if (model.weights.empty()) {
    const double total = static_cast<double>(image.pixel_count());
    for (const double count : pixels_in) model.weights.push_back(count / total);
  }
  // Every pixel's cluster, through the histogram that maps pixels to their distinct colour.
  model.labels =
      detail::remap_pixels(image, statistics.histogram, label_of_distinct, scope.workers());
  return model;
}

}  // namespace kmq
