// SPDX-License-Identifier: MIT
// Mini-batch K-means (Sculley 2010, as in scikit-learn's MiniBatchKMeans): centres move towards
// the means of small random samples of pixels, so the cost does not grow with the image.
#pragma once

#include <cstdint>

#include "common/parallel.hpp"
#include "quantize/cluster/kmeans.hpp"

namespace kmq::detail {

struct MiniBatchParams {
  int clusters = 16;
  std::uint64_t seed = 1;
  int batch_size = 4096;        // pixels per batch
  int max_epochs = 100;         // at most this many passes' worth of samples
  int max_no_improvement = 10;  // batches without a better smoothed inertia before stopping
  double reassignment_ratio = 0.01;
  Workers threads;
};

/// Returns centres and the nearest centre of every point (`iterations` = batches used;
/// `inertia` over all points). Pixels are sampled in proportion to the point weights.
/// Precondition: 1 <= clusters <= points.size().
KMeansResult run_minibatch(const WeightedPoints& points, const MiniBatchParams& params);

}  // namespace kmq::detail
