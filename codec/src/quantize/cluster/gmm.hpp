// SPDX-License-Identifier: MIT
// Gaussian mixture with full covariances fitted by EM on weighted points (distinct colours with
// pixel counts), initialised from a hard K-means assignment.
#pragma once

#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/cluster/kmeans.hpp"

namespace kmq::detail {

struct GmmParams {
  int components = 16;
  int dimensions = 3;              // 3 (colour) or 4 (colour and alpha)
  int max_iterations = 100;        // EM steps
  double tolerance = 1e-3;         // stop when the mean log-likelihood changes by less
  double covariance_floor = 1e-6;  // added to every covariance diagonal
  Workers threads;
};

struct GmmResult {
  std::vector<float> means;               // 4 floats per component (unused dimensions 0)
  std::vector<double> weights;            // mixing proportions
  std::vector<double> covariances;        // dimensions^2 per component, row-major
  std::vector<std::uint32_t> assignment;  // component of highest responsibility per point
  std::vector<double> log_likelihood;     // mean log-likelihood per pixel after each E-step
  int iterations = 0;
  bool converged = false;
};

/// Fits the mixture. `initial_assignment` gives a component (< components) for every point;
/// every component must have at least one point.
GmmResult fit_gmm(const WeightedPoints& points,
                  const std::vector<std::uint32_t>& initial_assignment, const GmmParams& params);

}  // namespace kmq::detail
