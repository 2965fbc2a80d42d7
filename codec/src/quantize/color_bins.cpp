// SPDX-License-Identifier: MIT
// Sort-based binning of weighted points.
#include "quantize/color_bins.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "quantize/nearest_centre.hpp"

namespace kmq::detail {

namespace {

// Bin means are kept on a grid 16 times finer than the input's, so sums stay exact.
constexpr float kMeanRefinement = 16.f;

std::uint64_t bin_key(const float* point, float edge) {
  std::uint64_t key = 0;
  for (std::size_t d = 0; d < kDims; ++d) {
    // Coordinates lie within about -300..300 (OKLab scaled) or 0..255: offset into 12 bits.
    const auto cell = static_cast<std::int64_t>(std::floor(point[d] / edge)) + 2048;
    key = key << 12 | static_cast<std::uint64_t>(std::clamp<std::int64_t>(cell, 0, 4095));
  }
  return key;
}

// Whether the points occupy at most max_points cells of this edge.
bool fits_cells(const WeightedPoints& points, float edge, std::size_t max_points) {
  constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // keys use 48 bits
  std::size_t capacity = 16;
  while (capacity < 2 * (max_points + 1)) capacity *= 2;
  std::vector<std::uint64_t> table(capacity, kEmpty);
  const std::size_t mask = capacity - 1;
  std::size_t cells = 0;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::uint64_t key = bin_key(&points.coords[i * kDims], edge);
    std::size_t slot = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
    while (table[slot] != kEmpty && table[slot] != key) slot = (slot + 1) & mask;
    if (table[slot] == kEmpty) {
      table[slot] = key;
      if (++cells > max_points) return false;
    }
  }
  return true;
}

}  // namespace

WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points,
                          std::vector<std::uint32_t>* bin_of) {
  const std::size_t n = points.size();
  // (key, index) pairs sorted directly: an index sort comparing keys[a] with keys[b] spent
  // most of its time on cache misses.
  struct Keyed {
    std::uint64_t key;
    std::uint32_t index;
    bool operator<(const Keyed& other) const {
      return key != other.key ? key < other.key : index < other.index;
    }
  };
  // The finest edge that leaves at most max_points cells, found by counting cells in a small
  // hash set that gives up once the count passes max_points; then one sort.
  float edge = 2.f;
  while (edge < 256 && !fits_cells(points, edge, max_points)) edge *= 2;
  std::vector<Keyed> sorted(n);
  for (std::size_t i = 0; i < n; ++i) {
    sorted[i] = {bin_key(&points.coords[i * kDims], edge), static_cast<std::uint32_t>(i)};
  }
  std::sort(sorted.begin(), sorted.end());
  std::size_t bins = n == 0 ? 0 : 1;
  for (std::size_t i = 1; i < n; ++i) bins += sorted[i].key != sorted[i - 1].key;
  WeightedPoints out;
  out.coords.reserve(bins * kDims);
  out.weights.reserve(bins);
  out.fixed_point_scale = points.fixed_point_scale * kMeanRefinement;
  const double fine = out.fixed_point_scale;
  if (bin_of != nullptr) bin_of->resize(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    std::int64_t sum[kDims] = {0, 0, 0, 0};
    std::uint64_t weight = 0;
    for (; j < n && sorted[j].key == sorted[i].key; ++j) {
      const std::uint32_t p = sorted[j].index;
      if (bin_of != nullptr) (*bin_of)[p] = static_cast<std::uint32_t>(out.weights.size());
      for (std::size_t d = 0; d < kDims; ++d) {
        sum[d] +=
            static_cast<std::int64_t>(points.coords[p * kDims + d] * points.fixed_point_scale) *
            static_cast<std::int64_t>(points.weights[p]);
      }
      weight += points.weights[p];
    }
    for (std::size_t d = 0; d < kDims; ++d) {
      // Mean on the finer grid: round(sum / weight * refinement) / fine.
      const double mean =
          static_cast<double>(sum[d]) / static_cast<double>(weight) / points.fixed_point_scale;
      out.coords.push_back(static_cast<float>(std::round(mean * fine) / fine));
    }
    out.weights.push_back(static_cast<std::uint32_t>(weight));
    i = j;
  }
  return out;
}

}  // namespace kmq::detail
