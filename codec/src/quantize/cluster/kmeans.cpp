// SPDX-License-Identifier: MIT
// Weighted K-means: k-means++ seeding, then Lloyd iterations that skip most distance scans with
// Hamerly's bounds (the upper one exact, the lower one carried). Centre sums are exact 64-bit
// integers, so threads never change the result.
#include "quantize/cluster/kmeans.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>
#include <random>

#include "common/parallel.hpp"
#include "quantize/cluster/median_cut.hpp"
#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

constexpr std::size_t kChunk = 8192;
// k-means++ keeps its sampling weights summed per block of points; a block never straddles a
// chunk.
constexpr std::size_t kBlock = 256;
static_assert(kChunk % kBlock == 0);
// Greedy k-means++ tries 2 + ln K candidates per centre: at most 13 for K <= 65536.
constexpr std::size_t kMaxTrials = 16;
constexpr std::size_t kLanes = 8;

double uniform01(std::mt19937_64& rng) {
  // Not std::uniform_real_distribution: its output differs between standard libraries.
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

// Draws a point with probability mass_of(i) / total, given the masses summed per block of kBlock
// points: the block by a binary search over their running sums, then the point inside it.
class BlockSampler {
 public:
  explicit BlockSampler(std::size_t points)
      : points_(points), before_((points + kBlock - 1) / kBlock + 1, 0.0) {}

  /// Sets the masses of the blocks (one per block).
  void set_block_masses(const std::vector<double>& mass) {
    for (std::size_t b = 0; b + 1 < before_.size(); ++b) before_[b + 1] = before_[b] + mass[b];
  }

  /// `u` uniform in [0, 1); mass_of(i) must add up, block by block, to the masses set.
  template <class MassOf>
  std::size_t draw(double u, const MassOf& mass_of) const {
    const std::size_t blocks = before_.size() - 1;
    const double r = u * before_[blocks];
    const auto above = std::upper_bound(before_.begin() + 1, before_.end(), r);
    const std::size_t block =
        std::min(blocks - 1, static_cast<std::size_t>(above - (before_.begin() + 1)));
    const std::size_t begin = block * kBlock, end = std::min(points_, begin + kBlock);
    // Should rounding leave r unreached (a block's sum may have been added in float), the last
    // point that carries any mass is taken.
    std::size_t chosen = end - 1;
    double within = 0;
    for (std::size_t i = begin; i < end; ++i) {
      const double point_mass = mass_of(i);
      if (point_mass <= 0) continue;
      chosen = i;
      within += point_mass;
      if (before_[block] + within > r) break;
    }
    return chosen;
  }

 private:
  std::size_t points_;
  std::vector<double> before_;  // [b]: the masses of the blocks before block b; last: total
};

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
        lower_(points.size(), 0) {}

  KMeansResult run(const std::vector<std::uint32_t>& guess = {}) {
    KMeansResult result;
    double inertia = assign_all(guess);
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

  // First assignment: every point searched (from its guess, if any), bounds set.
  double assign_all(const std::vector<std::uint32_t>& guess) {
    search_.emplace(centres_, /*with_gaps=*/true, params_.threads);
    const NearestCentre& search = *search_;
    const std::size_t n = points_.size();
    std::vector<double> chunk_inertia(chunk_count(n, kChunk), 0.0);
    parallel_chunks(n, kChunk, params_.threads,
                    [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                      double inertia = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        const float* point = &points_.coords[i * kDims];
                        const NearestTwo near = guess.empty()
                                                    ? search.nearest_two(point)
                                                    : search.nearest_two_from(point, guess[i]);
                        assignment_[i] = near.best;
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
    const LargestMoves moves = largest_moves(shift);

    search_ = search_->moved_to(centres_, params_.threads);
    const NearestCentre& search = *search_;
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
                        const float lower = lower_[i] - moves.other_than(a);
                        const float d2 = squared_distance(p, search.centre(a));
                        const float d = std::sqrt(d2);
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
        const float distance = std::sqrt(
            squared_distance(&points_.coords[i * kDims], &centres_[assignment_[i] * kDims]));
        if (distance > farthest_distance) {
          farthest_distance = distance;
          farthest = i;
        }
      }
      if (farthest == points_.size()) break;  // fewer distinct points than clusters
      add_point(sums_, farthest, assignment_[farthest], /*remove=*/true);
      add_point(sums_, farthest, static_cast<std::uint32_t>(k), /*remove=*/false);
      assignment_[farthest] = static_cast<std::uint32_t>(k);
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
  std::optional<NearestCentre> search_;  // over centres_ as they were at the last assignment
  ClusterSums sums_;                     // of the current assignment
  std::vector<std::uint32_t> assignment_;
  std::vector<float> lower_;
};

}  // namespace

std::vector<float> kmeans_plus_plus(const WeightedPoints& points, int clusters, std::uint64_t seed,
                                    const Workers& threads) {
  const std::size_t n = points.size();
  const std::size_t k_total = static_cast<std::size_t>(clusters);
  std::mt19937_64 rng(seed);
  std::vector<float> centres;
  centres.reserve(k_total * kDims);
  auto add_centre = [&](std::size_t i) {
    centres.insert(centres.end(), &points.coords[i * kDims], &points.coords[i * kDims] + kDims);
  };

  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  std::vector<double> mass(blocks, 0.0);  // per block of points: the sampling mass
  BlockSampler sampler(n);

  // First centre: drawn in proportion to weight (integers: the double sums are exact).
  for (std::size_t i = 0; i < n; ++i) mass[i / kBlock] += points.weights[i];
  sampler.set_block_masses(mass);
  add_centre(sampler.draw(uniform01(rng), [&](std::size_t i) { return points.weights[i]; }));

  // closest[i]: squared distance to the nearest centre chosen before the latest one, which a
  // round folds in as it passes over the points (one pass per round instead of two).
  std::vector<float> closest(n, std::numeric_limits<float>::infinity());
  const float* latest = centres.data();
  auto folded = [&](std::size_t i) {
    return std::min(closest[i], squared_distance(&points.coords[i * kDims], latest));
  };
  auto folded_mass = [&](std::size_t i) {
    return points.weights[i] * static_cast<double>(folded(i));
  };
  parallel_chunks(n, kChunk, threads, [&](std::size_t, std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t block_begin = b; block_begin < e; block_begin += kBlock) {
      double sum = 0;
      for (std::size_t i = block_begin; i < std::min(e, block_begin + kBlock); ++i) {
        sum += folded_mass(i);
      }
      mass[block_begin / kBlock] = sum;
    }
  });

  const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(clusters)));
  std::array<std::size_t, kMaxTrials> candidates{};
  std::vector<double> trial_mass(blocks * trials);  // [block * trials + t]
  for (std::size_t k = 1; k < k_total; ++k) {
    // Candidates drawn in proportion to weight * squared distance.
    sampler.set_block_masses(mass);
    for (std::size_t t = 0; t < trials; ++t)
      candidates[t] = sampler.draw(uniform01(rng), folded_mass);
    // One pass: fold the latest centre into closest, and sum each candidate's potential per
    // block. Candidates are laid out by coordinate, `width` at a time, so that the compiler
    // evaluates them side by side (4 wide when there are only 4, as at K = 16, instead of half
    // of 8 lanes wasted); a block's sums are float (256 terms), blocks add in double. Each
    // candidate's sum is the same whatever the width.
    const std::size_t width = trials <= kLanes / 2 ? kLanes / 2 : kLanes;
    std::array<float, kMaxTrials * kDims> lanes{};  // [group][coordinate][lane]
    for (std::size_t t = 0; t < kMaxTrials; ++t) {
      const float* candidate = &points.coords[candidates[t < trials ? t : 0] * kDims];
      for (std::size_t d = 0; d < kDims; ++d) {
        lanes[(t / width * kDims + d) * width + t % width] = candidate[d];
      }
    }
    const std::size_t groups = (trials + width - 1) / width;
    auto sum_group = [&]<std::size_t Width>(std::size_t g, std::size_t block_begin,
                                            std::size_t block_end) {
      const float* lane = &lanes[g * kDims * Width];
      std::array<float, Width> sum{};
      for (std::size_t i = block_begin; i < block_end; ++i) {
        const float* point = &points.coords[i * kDims];
        const float weight = static_cast<float>(points.weights[i]);
        const float near = closest[i];
        for (std::size_t l = 0; l < Width; ++l) {
          const float d0 = point[0] - lane[l], d1 = point[1] - lane[Width + l];
          const float d2 = point[2] - lane[2 * Width + l];
          const float d3 = point[3] - lane[3 * Width + l];
          const float distance2 = d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
          sum[l] += weight * std::min(distance2, near);
        }
      }
      for (std::size_t l = 0; l < Width && g * Width + l < trials; ++l) {
        trial_mass[block_begin / kBlock * trials + g * Width + l] = sum[l];
      }
    };
    parallel_chunks(n, kChunk, threads,
                    [&](std::size_t, std::size_t, std::size_t b, std::size_t e) {
                      for (std::size_t block_begin = b; block_begin < e; block_begin += kBlock) {
                        const std::size_t block_end = std::min(e, block_begin + kBlock);
                        for (std::size_t i = block_begin; i < block_end; ++i)
                          closest[i] = folded(i);
                        for (std::size_t g = 0; g < groups; ++g) {
                          if (width == kLanes) {
                            sum_group.template operator()<kLanes>(g, block_begin, block_end);
                          } else {
                            sum_group.template operator()<kLanes / 2>(g, block_begin, block_end);
                          }
                        }
                      }
                    });
    std::size_t best = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < trials; ++t) {
      double potential = 0;
      for (std::size_t b = 0; b < blocks; ++b) potential += trial_mass[b * trials + t];
      if (potential < best_potential) {
        best_potential = potential;
        best = t;
      }
    }
    for (std::size_t b = 0; b < blocks; ++b) mass[b] = trial_mass[b * trials + best];
    add_centre(candidates[best]);
    latest = &centres[k * kDims];
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
                       std::vector<float> centres, const std::vector<std::uint32_t>& guess) {
  Lloyd lloyd(points, params, std::move(centres));
  return lloyd.run(guess);
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
