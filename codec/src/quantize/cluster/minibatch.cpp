// SPDX-License-Identifier: MIT
// Mini-batch K-means over weighted points, seeded and deterministic.
#include "quantize/cluster/minibatch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "common/parallel.hpp"
#include "quantize/cluster/median_cut.hpp"
#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

constexpr double kSmoothingWindow = 20;  // batches

// Draws points in proportion to their weight, i.e. draws pixels, in O(1) per draw with Vose's
// alias method.
class PixelSampler {
 public:
  explicit PixelSampler(const WeightedPoints& points)
      : threshold_(points.size()), alias_(points.size()) {
    const std::size_t n = points.size();
    for (const auto w : points.weights) total_ += w;
    std::vector<double> scaled(n);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i) {
      scaled[i] = static_cast<double>(points.weights[i]) * static_cast<double>(n) /
                  static_cast<double>(total_);
      (scaled[i] < 1 ? small : large).push_back(static_cast<std::uint32_t>(i));
    }
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      threshold_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] -= 1 - scaled[s];
      if (scaled[l] < 1) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (const auto i : large) threshold_[i] = 1, alias_[i] = i;
    for (const auto i : small) threshold_[i] = 1, alias_[i] = i;  // rounding leftovers
  }
  std::uint64_t total() const { return total_; }
  std::uint32_t draw(std::mt19937_64& rng) const {
    const std::uint64_t bits = rng();
    const auto column = static_cast<std::uint32_t>((bits >> 32) * threshold_.size() >> 32);
    const double coin = static_cast<double>(bits & 0xFFFFFFFFu) * 0x1.0p-32;
    return coin < threshold_[column] ? column : alias_[column];
  }

 private:
  std::uint64_t total_ = 0;
  std::vector<double> threshold_;
  std::vector<std::uint32_t> alias_;
};

// k-means++ on a sample of about 3 batches (scikit-learn's init_size), falling back to all
// points when the sample holds fewer distinct colours than clusters.
std::vector<float> initial_centres(const WeightedPoints& points, const MiniBatchParams& params,
                                   const PixelSampler& sampler, std::mt19937_64& rng) {
  const std::size_t sample_size =
      std::max<std::size_t>(3 * static_cast<std::size_t>(params.batch_size),
                            3 * static_cast<std::size_t>(params.clusters));
  std::vector<std::uint32_t> drawn(sample_size);
  for (auto& index : drawn) index = sampler.draw(rng);
  std::sort(drawn.begin(), drawn.end());
  WeightedPoints sample;
  for (std::size_t i = 0; i < drawn.size();) {
    std::size_t j = i;
    while (j < drawn.size() && drawn[j] == drawn[i]) ++j;
    sample.coords.insert(sample.coords.end(), &points.coords[drawn[i] * kDims],
                         &points.coords[drawn[i] * kDims] + kDims);
    sample.weights.push_back(static_cast<std::uint32_t>(j - i));
    i = j;
  }
  const WeightedPoints& source =
      sample.size() >= static_cast<std::size_t>(params.clusters) ? sample : points;
  // k-means++ costs O(K^2) per sample point; large palettes start from a median cut instead.
  if (params.clusters > kMaxClustersForPlusPlus) return median_cut_centres(source, params.clusters);
  return kmeans_plus_plus(source, params.clusters, rng(), params.threads);
}

}  // namespace

KMeansResult run_minibatch(const WeightedPoints& points, const MiniBatchParams& params) {
  const std::size_t k = static_cast<std::size_t>(params.clusters);
  std::mt19937_64 rng(params.seed);
  const PixelSampler sampler(points);
  std::vector<float> centres = initial_centres(points, params, sampler, rng);
  std::vector<double> counts(k, 0.0);

  const std::size_t batch = static_cast<std::size_t>(params.batch_size);
  const std::uint64_t batches_per_epoch = (sampler.total() + batch - 1) / batch;
  const std::uint64_t max_batches =
      static_cast<std::uint64_t>(params.max_epochs) * batches_per_epoch;
  // Smoothing of the batch inertia. scikit-learn averages over about half an epoch, so on large
  // images its stop rule waits for an epoch's worth of batches; a window of at most 20 batches
  // keeps the cost independent of the image size.
  const double alpha = std::min(
      1.0, std::max(2.0 * static_cast<double>(batch) / (static_cast<double>(sampler.total()) + 1),
                    2.0 / (kSmoothingWindow + 1)));
  double smoothed = -1, best = std::numeric_limits<double>::infinity();
  int without_improvement = 0;

  std::vector<std::uint32_t> members(batch), nearest(batch);
  std::vector<double> sums(k * kDims), batch_counts(k);
  std::uint64_t step = 0;
  for (; step < max_batches; ++step) {
    for (auto& m : members) m = sampler.draw(rng);
    const NearestCentre search(centres, /*with_gaps=*/false);
    std::vector<double> chunk_inertia(chunk_count(batch, 1024), 0.0);
    parallel_chunks(batch, 1024, params.threads,
                    [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                      double inertia = 0;
                      for (std::size_t i = begin; i < end; ++i) {
                        const NearestTwo near =
                            search.nearest_two(&points.coords[members[i] * kDims]);
                        nearest[i] = near.best;
                        inertia += near.best_distance2;
                      }
                      chunk_inertia[chunk] = inertia;
                    });
    double inertia = 0;
    for (const double part : chunk_inertia) inertia += part;
    inertia /= static_cast<double>(batch);

    std::fill(sums.begin(), sums.end(), 0.0);
    std::fill(batch_counts.begin(), batch_counts.end(), 0.0);
    for (std::size_t i = 0; i < batch; ++i) {
      const float* p = &points.coords[members[i] * kDims];
      for (std::size_t d = 0; d < kDims; ++d) sums[nearest[i] * kDims + d] += p[d];
      batch_counts[nearest[i]] += 1;
    }
    for (std::size_t c = 0; c < k; ++c) {
      if (batch_counts[c] == 0) continue;
      const double total = counts[c] + batch_counts[c];
      for (std::size_t d = 0; d < kDims; ++d) {
        const double moved = (centres[c * kDims + d] * counts[c] + sums[c * kDims + d]) / total;
        centres[c * kDims + d] = static_cast<float>(moved);
      }
      counts[c] = total;
    }

    // Starved centres (almost never the nearest) move to sampled pixels.
    if (params.reassignment_ratio > 0 && (step + 1) % 10 == 0) {
      const double largest = *std::max_element(counts.begin(), counts.end());
      double smallest_kept = std::numeric_limits<double>::infinity();
      std::vector<std::size_t> starved;
      for (std::size_t c = 0; c < k; ++c) {
        if (counts[c] < params.reassignment_ratio * largest) {
          starved.push_back(c);
        } else {
          smallest_kept = std::min(smallest_kept, counts[c]);
        }
      }
      starved.resize(std::min(starved.size(), batch / 2));
      for (const std::size_t c : starved) {
        const std::uint32_t pick = members[rng() % batch];
        std::copy_n(&points.coords[pick * kDims], kDims, &centres[c * kDims]);
        counts[c] = std::isinf(smallest_kept) ? 1.0 : smallest_kept;
      }
    }

    smoothed = smoothed < 0 ? inertia : smoothed * (1 - alpha) + inertia * alpha;
    if (smoothed < best) {
      best = smoothed;
      without_improvement = 0;
    } else if (++without_improvement >= params.max_no_improvement) {
      ++step;
      break;
    }
  }

  KMeansResult result;
  result.iterations = static_cast<int>(std::min<std::uint64_t>(step, 1u << 30));
  result.assignment.resize(points.size());
  const NearestCentre search(centres, /*with_gaps=*/false);
  std::vector<double> chunk_inertia(chunk_count(points.size(), 16384), 0.0);
  parallel_chunks(points.size(), 16384, params.threads,
                  [&](std::size_t, std::size_t chunk, std::size_t begin, std::size_t end) {
                    double inertia = 0;
                    for (std::size_t i = begin; i < end; ++i) {
                      const NearestTwo near = search.nearest_two(&points.coords[i * kDims]);
                      result.assignment[i] = near.best;
                      inertia += static_cast<double>(points.weights[i]) * near.best_distance2;
                    }
                    chunk_inertia[chunk] = inertia;
                  });
  for (const double part : chunk_inertia) result.inertia += part;
  result.centres = std::move(centres);
  return result;
}

}  // namespace kmq::detail
