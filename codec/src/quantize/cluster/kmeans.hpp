// SPDX-License-Identifier: MIT
// Weighted K-means (Lloyd's algorithm with Hamerly's bounds) seeded by greedy k-means++.
#pragma once

#include <cstdint>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/cluster/weighted_points.hpp"

namespace kmq::detail {

/// How the initial centres are chosen.
enum class KMeansInit {
  automatic,   // k-means++ up to kMaxClustersForPlusPlus clusters, median cut above
  plus_plus,   // greedy k-means++, seeded: O(K * N * log K)
  median_cut,  // deterministic variance median cut: O(N log K)
};
inline constexpr int kMaxClustersForPlusPlus = 256;

struct KMeansParams {
  int clusters = 16;  // 1 .. number of points
  std::uint64_t seed = 1;
  int max_iterations = 100;
  double tolerance = 1e-5;  // relative decrease of inertia that counts as converged
  Workers threads;
  KMeansInit init = KMeansInit::automatic;
  // Independent k-means++ starts; the lowest inertia wins. 0 = automatic (more starts where
  // they are cheap: small K). Ignored for median cut, which is deterministic.
  int restarts = 0;
};

/// Starts that run_kmeans() makes for these parameters.
int kmeans_restarts(const KMeansParams& params);

/// Seed of k-means++ start number `start` (0-based).
inline std::uint64_t kmeans_start_seed(std::uint64_t seed, int start) {
  return seed + static_cast<std::uint64_t>(start) * 0x9E3779B97F4A7C15ull;
}

struct KMeansResult {
  std::vector<float> centres;             // 4 per cluster, each the mean of its points
  std::vector<std::uint32_t> assignment;  // cluster of each point
  int iterations = 0;
  double inertia = 0;  // sum of weight * squared distance to the assigned centre
};

/// Runs K-means. Precondition: 1 <= clusters <= points.size() and all points distinct.
KMeansResult run_kmeans(const WeightedPoints& points, const KMeansParams& params);

/// Lloyd iterations from the given centres (4 floats each). `guess`, when not empty, holds a
/// likely cluster of every point, which speeds up the first assignment (same result).
KMeansResult run_lloyd(const WeightedPoints& points, const KMeansParams& params,
                       std::vector<float> centres, const std::vector<std::uint32_t>& guess = {});

/// Greedy k-means++ (sklearn's variant: 2 + ln K candidates per step, keep the best).
/// Returns 4 floats per centre.
std::vector<float> kmeans_plus_plus(const WeightedPoints& points, int clusters, std::uint64_t seed,
                                    const Workers& threads);

}  // namespace kmq::detail
