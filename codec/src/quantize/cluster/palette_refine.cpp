// SPDX-License-Identifier: MIT
// Rounded-mean Lloyd refinement of the 8-bit palette.
#include "quantize/cluster/palette_refine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "common/parallel.hpp"
#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

// Each entry's weight and its points' coordinate sums, as exact integers (coordinates are whole
// numbers), kept up to date as points change entry: modular arithmetic, so a removal before
// the matching addition cannot go wrong.
struct EntrySums {
  std::vector<std::uint64_t> sums, weight;
  explicit EntrySums(std::size_t entries) : sums(entries * kDims, 0), weight(entries, 0) {}

  void add(const WeightedPoints& points, std::size_t i, std::size_t entry, bool remove) {
    const std::uint64_t w = points.weights[i];
    for (std::size_t d = 0; d < kDims; ++d) {
      const std::uint64_t term = w * static_cast<std::uint64_t>(points.coords[i * kDims + d]);
      sums[entry * kDims + d] += remove ? 0 - term : term;
    }
    weight[entry] += remove ? 0 - w : w;
  }
  void merge(const EntrySums& part) {
    for (std::size_t k = 0; k < sums.size(); ++k) sums[k] += part.sums[k];
    for (std::size_t k = 0; k < weight.size(); ++k) weight[k] += part.weight[k];
  }
};

}  // namespace

void refine_stored_palette(const WeightedPoints& points, int channels, int max_rounds,
                           const Workers& threads, std::vector<float>& palette,
                           std::vector<std::uint32_t>& assignment) {
  const std::size_t entries = palette.size() / kDims;
  const std::size_t n = points.size();
  EntrySums totals(entries);
  for (std::size_t i = 0; i < n; ++i) totals.add(points, i, assignment[i], /*remove=*/false);
  // Each point's squared distance to its entry as last measured (infinite: not yet).
  std::vector<float> distance2(n, std::numeric_limits<float>::infinity());
  std::vector<std::uint8_t> moved(entries);
  for (int round = 0; round < max_rounds; ++round) {
    bool any_moved = false;
    for (std::size_t e = 0; e < entries; ++e) {
      moved[e] = 0;
      if (totals.weight[e] == 0) continue;
      for (std::size_t d = 0; d < kDims; ++d) {
        // Round half up in integers: floor((2 * sum + weight) / (2 * weight)).
        float value = static_cast<float>((2 * totals.sums[e * kDims + d] + totals.weight[e]) /
                                         (2 * totals.weight[e]));
        if (d == 3 && channels == 4) value = std::max(value, 1.f);
        if (value != palette[e * kDims + d]) {
          palette[e * kDims + d] = value;
          moved[e] = 1;
          any_moved = true;
        }
      }
    }
    if (!any_moved) return;
    // After the first rounds only a few entries move (on a 14.7 MP photo at K = 256, 2 to 18),
    // and a point whose entry stayed keeps it unless a moved entry came nearer. Squared half
    // the distance from each unmoved entry to the nearest moved one: a point of that entry
    // nearer than this has every moved entry strictly farther, and every unmoved one is where
    // it was, so its nearest entry is the same without a search (or a read of its coordinates).
    std::vector<float> keeps_within2(entries, -1.f);
    for (std::size_t a = 0; a < entries; ++a) {
      if (moved[a]) continue;
      float nearest2 = std::numeric_limits<float>::infinity();
      for (std::size_t c = 0; c < entries; ++c) {
        if (moved[c])
          nearest2 = std::min(nearest2, squared_distance(&palette[a * kDims], &palette[c * kDims]));
      }
      keeps_within2[a] = nearest2 / 4;
    }
    const NearestCentre search(palette);
    std::vector<EntrySums> changes(worker_count(n, 16384, threads), EntrySums(entries));
    parallel_chunks(n, 16384, threads,
                    [&](std::size_t worker, std::size_t, std::size_t begin, std::size_t end) {
                      for (std::size_t i = begin; i < end; ++i) {
                        const std::uint32_t a = assignment[i];
                        if (distance2[i] < keeps_within2[a]) continue;
                        const float* point = &points.coords[i * kDims];
                        const std::uint32_t b = search.nearest(point, a);
                        distance2[i] = squared_distance(point, &palette[b * kDims]);
                        if (b == a) continue;
                        changes[worker].add(points, i, a, /*remove=*/true);
                        changes[worker].add(points, i, b, /*remove=*/false);
                        assignment[i] = b;
                      }
                    });
    for (const EntrySums& part : changes) totals.merge(part);
  }
}

}  // namespace kmq::detail
