// SPDX-License-Identifier: MIT
// Weighted K-means: k-means++ seeding, then Lloyd iterations that skip most distance scans with
// Hamerly's upper/lower bounds. Centre sums are exact 64-bit integers, so threads never change
// the result.
#include "quantize/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "common/parallel.hpp"
#include "quantize/median_cut.hpp"
#include "quantize/nearest_centre.hpp"

namespace kmq::detail {

namespace {

constexpr std::size_t kChunk = 8192;

double uniform01(std::mt19937_64& rng) {
  // Not std::uniform_real_distribution: its output differs between standard libraries.
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Picks the index whose cumulative weight interval contains r.
std::size_t pick_by_cumulative(const std::vector<double>& cumulative, double r) {
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
  if (it == cumulative.end()) return cumulative.size() - 1;
  return static_cast<std::size_t>(it - cumulative.begin());
}

// Sums of weight * fixed-point coordinate per cluster, one set per worker.
struct ClusterSums {
  std::vector<std::int64_t> sums;  // 4 per cluster
  std::vector<std::uint64_t> weight;
  std::vector<std::uint32_t> members;
  explicit ClusterSums(std::size_t clusters)
      : sums(clusters * kDims, 0), weight(clusters, 0), members(clusters, 0) {}
};

// Lloyd's iterations with Hamerly's bounds. One pass over the points per iteration: the bounds
// are shifted as they are read, and the cluster sums are kept up to date from the points that
// change cluster (exact integers, so the order of the updates cannot matter).
class Lloyd {
 public:
  Lloyd(const WeightedPoints& points, const KMeansParams& params, std::vector<float> centres)
      : points_(points),
        params_(params),
        clusters_(static_cast<std::size_t>(params.clusters)),
        centres_(std::move(centres)),
        sums_(clusters_),
        assignment_(points.size(), 0),
        upper_(points.size(), 0),
        lower_(points.size(), 0) {}

  KMeansResult run() {
    KMeansResult result;
    double inertia = assign_all();
    sums_ = accumulate();
    int iterations = 0;
    while (iterations < params_.max_iterations) {
      const std::vector<float> shift = update_centres();
      ++iterations;
      const double previous = inertia;
      std::size_t changed = 0;
      inertia = reassign(shift, changed);
      if (changed == 0) break;
      if (previous > 0 && (previous - inertia) / previous < params_.tolerance) break;
    }
    // Leave every centre at the mean of its points; this can only lower the inertia.
    update_centres();
    result.inertia = total_inertia();
    result.iterations = iterations;
    result.centres = std::move(centres_);
    result.assignment = std::move(assignment_);
    return result;
  }

 private:
  void add_point(ClusterSums& sums, std::size_t i, std::uint32_t cluster, bool remove) const {
    const std::int64_t w = points_.weights[i];
    const float scale = points_.fixed_point_scale;
    for (std::size_t d = 0; d < kDims; ++d) {
      const auto fixed = static_cast<std::int64_t>(points_.coords[i * kDims + d] * scale);
      sums.sums[cluster * kDims + d] += remove ? -fixed * w : fixed * w;
    }
    if (remove) {
      sums.weight[cluster] -= static_cast<std::uint64_t>(w);
      --sums.members[cluster];
    } else {
      sums.weight[cluster] += static_cast<std::uint64_t>(w);
      ++sums.members[cluster];
    }
  }

  // Integer addition is associative: the merge order cannot change the totals.
  void merge_into(ClusterSums& total, const ClusterSums& part) const {
    for (std::size_t k = 0; k < total.sums.size(); ++k) total.sums[k] += part.sums[k];
    for (std::size_t k = 0; k < clusters_; ++k) {
      total.weight[k] += part.weight[k];
      total.members[k] += part.members[k];
    }
  }

  // First assignment: every point searched, bounds set.
  double assign_all() {
    const NearestCentre search(centres_, /*with_gaps=*/true, params_.threads);
    const std::size_t n = points_.size();
    std::vector<double> chunk_inertia(chunk_count(n, kChunk), 0.0);
    parallel_chunks(n, kChunk, params_.threads,
                    [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                      double inertia = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        const NearestTwo near = search.nearest_two(&points_.coords[i * kDims]);
                        assignment_[i] = near.best;
                        upper_[i] = std::sqrt(near.best_distance2);
                        lower_[i] = std::sqrt(near.second_distance2);
                        inertia += static_cast<double>(points_.weights[i]) * near.best_distance2;
                      }
                      chunk_inertia[chunk] = inertia;
                    });
    double inertia = 0;
    for (const double part : chunk_inertia) inertia += part;
    return inertia;
  }

  // After the centres moved by `shift`: lowers each point's bound by the largest move of a centre
  // other than its own (Hamerly), searches the points whose bounds no longer prove their centre,
  // and moves the points that changed cluster in the sums. Returns the inertia.
  double reassign(const std::vector<float>& shift, std::size_t& changed_out) {
    std::size_t largest = 0;
    for (std::size_t k = 1; k < clusters_; ++k) {
      if (shift[k] > shift[largest]) largest = k;
    }
    float second_shift = 0;
    for (std::size_t k = 0; k < clusters_; ++k) {
      if (k != largest) second_shift = std::max(second_shift, shift[k]);
    }
    const float first_shift = shift[largest];

    const NearestCentre search(centres_, /*with_gaps=*/true, params_.threads);
    const std::size_t n = points_.size();
    const std::size_t workers = worker_count(n, kChunk, params_.threads);
    std::vector<ClusterSums> moved(workers, ClusterSums(clusters_));
    std::vector<double> chunk_inertia(chunk_count(n, kChunk), 0.0);
    std::vector<std::size_t> chunk_changed(chunk_inertia.size(), 0);
    parallel_chunks(n, kChunk, params_.threads,
                    [&](std::size_t worker, std::size_t chunk, std::size_t begin, std::size_t end) {
                      double inertia = 0;
                      std::size_t changed = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        const float* p = &points_.coords[i * kDims];
                        const std::uint32_t a = assignment_[i];
                        const float lower = lower_[i] - (a == largest ? second_shift : first_shift);
                        const float d2 = squared_distance(p, search.centre(a));
                        const float d = std::sqrt(d2);
                        upper_[i] = d;
                        if (d <= std::max(search.half_gap(a), lower)) {
                          lower_[i] = lower;
                          inertia += static_cast<double>(points_.weights[i]) * d2;
                          continue;
                        }
                        const NearestTwo near = search.nearest_two_from(p, a);
                        if (near.best != a) {
                          ++changed;
                          add_point(moved[worker], i, a, /*remove=*/true);
                          add_point(moved[worker], i, near.best, /*remove=*/false);
                          assignment_[i] = near.best;
                        }
                        upper_[i] = std::sqrt(near.best_distance2);
                        lower_[i] = std::sqrt(near.second_distance2);
                        inertia += static_cast<double>(points_.weights[i]) * near.best_distance2;
                      }
                      chunk_inertia[chunk] = inertia;
                      chunk_changed[chunk] = changed;
                    });
    for (const ClusterSums& part : moved) merge_into(sums_, part);
    double inertia = 0;
    changed_out = 0;
    for (std::size_t c = 0; c < chunk_inertia.size(); ++c) {
      inertia += chunk_inertia[c];
      changed_out += chunk_changed[c];
    }
    return inertia;
  }

  ClusterSums accumulate() const {
    const std::size_t n = points_.size();
    const std::size_t workers = worker_count(n, kChunk, params_.threads);
    std::vector<ClusterSums> partial(workers, ClusterSums(clusters_));
    parallel_chunks(n, kChunk, params_.threads,
                    [&](std::size_t worker, std::size_t, std::size_t begin, std::size_t end) {
                      for (std::size_t i = begin; i < end; ++i) {
                        add_point(partial[worker], i, assignment_[i], /*remove=*/false);
                      }
                    });
    ClusterSums total = std::move(partial[0]);
    for (std::size_t w = 1; w < partial.size(); ++w) merge_into(total, partial[w]);
    return total;
  }

  // Gives each empty cluster the point farthest from its centre among clusters with more than
  // one point, as scikit-learn does. Returns true if any point moved.
  bool relocate_empty_clusters() {
    bool moved = false;
    for (std::size_t k = 0; k < clusters_; ++k) {
      if (sums_.members[k] != 0) continue;
      std::size_t farthest = points_.size();
      float farthest_distance = -1;
      for (std::size_t i = 0; i < points_.size(); ++i) {
        if (sums_.members[assignment_[i]] <= 1) continue;
        if (upper_[i] > farthest_distance) {
          farthest_distance = upper_[i];
          farthest = i;
        }
      }
      if (farthest == points_.size()) break;  // fewer distinct points than clusters
      add_point(sums_, farthest, assignment_[farthest], /*remove=*/true);
      add_point(sums_, farthest, static_cast<std::uint32_t>(k), /*remove=*/false);
      assignment_[farthest] = static_cast<std::uint32_t>(k);
      upper_[farthest] = 0;
      moved = true;
    }
    return moved;
  }

  // Moves every centre to the mean of its points; returns how far each moved.
  std::vector<float> update_centres() {
    if (relocate_empty_clusters()) {
      std::fill(lower_.begin(), lower_.end(), 0.f);  // bounds no longer hold: recheck all
    }
    std::vector<float> shift(clusters_, 0.f);
    const double scale = points_.fixed_point_scale;
    for (std::size_t k = 0; k < clusters_; ++k) {
      if (sums_.weight[k] == 0) continue;
      float moved[kDims];
      for (std::size_t d = 0; d < kDims; ++d) {
        const double mean = static_cast<double>(sums_.sums[k * kDims + d]) /
                            (static_cast<double>(sums_.weight[k]) * scale);
        moved[d] = static_cast<float>(mean);
      }
      shift[k] = std::sqrt(squared_distance(moved, &centres_[k * kDims]));
      std::copy(moved, moved + kDims, &centres_[k * kDims]);
    }
    return shift;
  }

  double total_inertia() const {
    const std::size_t n = points_.size();
    std::vector<double> chunk_inertia(chunk_count(n, kChunk), 0.0);
    parallel_chunks(n, kChunk, params_.threads,
                    [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                      double inertia = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        inertia += static_cast<double>(points_.weights[i]) *
                                   squared_distance(&points_.coords[i * kDims],
                                                    &centres_[assignment_[i] * kDims]);
                      }
                      chunk_inertia[chunk] = inertia;
                    });
    double inertia = 0;
    for (const double part : chunk_inertia) inertia += part;
    return inertia;
  }

  const WeightedPoints& points_;
  const KMeansParams& params_;
  std::size_t clusters_;
  std::vector<float> centres_;
  ClusterSums sums_;  // of the current assignment
  std::vector<std::uint32_t> assignment_;
  std::vector<float> upper_;
  std::vector<float> lower_;
};

}  // namespace

std::vector<float> kmeans_plus_plus(const WeightedPoints& points, int clusters, std::uint64_t seed,
                                    int threads) {
  const std::size_t n = points.size();
  const std::size_t k_total = static_cast<std::size_t>(clusters);
  std::mt19937_64 rng(seed);
  std::vector<float> centres;
  centres.reserve(k_total * kDims);
  std::vector<double> cumulative(n);

  auto add_centre = [&](std::size_t i) {
    centres.insert(centres.end(), &points.coords[i * kDims], &points.coords[i * kDims] + kDims);
  };

  // First centre: drawn in proportion to weight.
  double running = 0;
  for (std::size_t i = 0; i < n; ++i) cumulative[i] = running += points.weights[i];
  add_centre(pick_by_cumulative(cumulative, uniform01(rng) * running));

  std::vector<float> closest(n);
  const std::size_t chunks = chunk_count(n, kChunk);
  std::vector<double> chunk_sums(chunks);
  parallel_chunks(n, kChunk, threads,
                  [&](std::size_t, std::size_t chunk, std::size_t b, std::size_t e) {
                    double sum = 0;
                    for (std::size_t i = b; i < e; ++i) {
                      closest[i] = squared_distance(&points.coords[i * kDims], centres.data());
                      sum += points.weights[i] * static_cast<double>(closest[i]);
                    }
                    chunk_sums[chunk] = sum;
                  });

  const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(clusters)));
  std::vector<std::size_t> candidates(trials);
  std::vector<double> chunk_potentials(chunks * trials);
  for (std::size_t k = 1; k < k_total; ++k) {
    running = 0;
    for (std::size_t i = 0; i < n; ++i) {
      cumulative[i] = running += points.weights[i] * static_cast<double>(closest[i]);
    }
    for (std::size_t t = 0; t < trials; ++t) {
      candidates[t] = pick_by_cumulative(cumulative, uniform01(rng) * running);
    }
    parallel_chunks(
        n, kChunk, threads, [&](std::size_t, std::size_t chunk, std::size_t b, std::size_t e) {
          for (std::size_t t = 0; t < trials; ++t) {
            const float* candidate = &points.coords[candidates[t] * kDims];
            double potential = 0;
            for (std::size_t i = b; i < e; ++i) {
              const float d2 = squared_distance(&points.coords[i * kDims], candidate);
              potential += points.weights[i] * static_cast<double>(std::min(d2, closest[i]));
            }
            chunk_potentials[chunk * trials + t] = potential;
          }
        });
    std::size_t best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < trials; ++t) {
      double potential = 0;
      for (std::size_t c = 0; c < chunks; ++c) potential += chunk_potentials[c * trials + t];
      if (potential < best_potential) {
        best_potential = potential;
        best = t;
      }
    }
    const std::size_t chosen = candidates[best];
    add_centre(chosen);
    const float* centre = &points.coords[chosen * kDims];
    parallel_chunks(
        n, kChunk, threads, [&](std::size_t, std::size_t, std::size_t b, std::size_t e) {
          for (std::size_t i = b; i < e; ++i) {
            closest[i] = std::min(closest[i], squared_distance(&points.coords[i * kDims], centre));
          }
        });
  }
  return centres;
}

int kmeans_restarts(const KMeansParams& params) {
  if (params.restarts > 0) return params.restarts;
  // A single random start lands within about 0.1 dB of the best of several; three starts buy
  // that back where a start is cheap.
  return params.clusters <= 64 ? 3 : 1;
}

KMeansResult run_lloyd(const WeightedPoints& points, const KMeansParams& params,
                       std::vector<float> centres) {
  Lloyd lloyd(points, params, std::move(centres));
  return lloyd.run();
}

KMeansResult run_kmeans(const WeightedPoints& points, const KMeansParams& params) {
  const bool plus_plus =
      params.init == KMeansInit::plus_plus ||
      (params.init == KMeansInit::automatic && params.clusters <= kMaxClustersForPlusPlus);
  if (!plus_plus) {
    Lloyd lloyd(points, params, median_cut_centres(points, params.clusters));
    return lloyd.run();
  }
  KMeansResult best;
  const int starts = kmeans_restarts(params);
  for (int start = 0; start < starts; ++start) {
    const std::uint64_t seed =
        params.seed + static_cast<std::uint64_t>(start) * 0x9E3779B97F4A7C15ull;
    Lloyd lloyd(points, params, kmeans_plus_plus(points, params.clusters, seed, params.threads));
    KMeansResult result = lloyd.run();
    if (start == 0 || result.inertia < best.inertia) best = std::move(result);
  }
  return best;
}

}  // namespace kmq::detail
