// SPDX-License-Identifier: MIT
// Sort-based binning of weighted points.
#include "quantize/stats/color_bins.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>

#include "quantize/cluster/nearest_centre.hpp"

namespace kmq::detail {

namespace {

// Bin means are kept on a grid 16 times finer than the input's, so sums stay exact.
constexpr float kMeanRefinement = 16.f;

constexpr std::uint64_t kCellLimit = 4095;

// Coordinates lie within about -300..300 (OKLab scaled) or 0..255: offset into 12 bits.
std::array<std::uint64_t, kDims> cells_of(const float* point, float edge) {
  std::array<std::uint64_t, kDims> cells;
  for (std::size_t d = 0; d < kDims; ++d) {
    const auto cell = static_cast<std::int64_t>(std::floor(point[d] / edge)) + 2048;
    cells[d] = static_cast<std::uint64_t>(
        std::clamp<std::int64_t>(cell, 0, static_cast<std::int64_t>(kCellLimit)));
  }
  return cells;
}

std::uint64_t bin_key(const float* point, float edge) {
  std::uint64_t key = 0;
  for (const std::uint64_t cell : cells_of(point, edge)) key = key << 12 | cell;
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

// The points' cells ordered by cell (cell coordinates in key order, then point index), as
// (cell, index) pairs. Where the cells span few enough bits, cell and index share one 64-bit
// integer: half the memory of a pair (2.4 MB on a 4 MP photo, at the encoder's peak) and a
// faster sort, in the same order.
class SortedCells {
 public:
  SortedCells(const WeightedPoints& points, float edge) {
    const std::size_t n = points.size();
    std::array<std::uint64_t, kDims> low, high;
    low.fill(kCellLimit);
    high.fill(0);
    for (std::size_t i = 0; i < n; ++i) {
      const auto cells = cells_of(&points.coords[i * kDims], edge);
      for (std::size_t d = 0; d < kDims; ++d) {
        low[d] = std::min(low[d], cells[d]);
        high[d] = std::max(high[d], cells[d]);
      }
    }
    int key_bits = 0;
    for (std::size_t d = 0; d < kDims; ++d) {
      width_[d] = n == 0 ? 0 : static_cast<int>(std::bit_width(high[d] - low[d]));
      key_bits += width_[d];
    }
    index_bits_ = static_cast<int>(std::bit_width(n));
    low_ = low;
    if (key_bits + index_bits_ <= 64) {
      packed_.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        packed_[i] = compact_key(cells_of(&points.coords[i * kDims], edge)) << index_bits_ | i;
      }
      std::sort(packed_.begin(), packed_.end());
    } else {
      pairs_.resize(n);
      for (std::size_t i = 0; i < n; ++i) {
        pairs_[i] = {compact_key(cells_of(&points.coords[i * kDims], edge)),
                     static_cast<std::uint32_t>(i)};
      }
      std::sort(pairs_.begin(), pairs_.end());
    }
  }

  std::uint64_t key(std::size_t rank) const noexcept {
    return packed_.empty() ? pairs_[rank].key : packed_[rank] >> index_bits_;
  }
  std::uint32_t index(std::size_t rank) const noexcept {
    return packed_.empty() ? pairs_[rank].index
                           : static_cast<std::uint32_t>(packed_[rank] &
                                                        ((std::uint64_t{1} << index_bits_) - 1));
  }

 private:
  // The cells relative to their lowest, each in just the bits its span needs, first
  // coordinate highest: orders as the cells do.
  std::uint64_t compact_key(const std::array<std::uint64_t, kDims>& cells) const noexcept {
    std::uint64_t key = 0;
    for (std::size_t d = 0; d < kDims; ++d) key = key << width_[d] | (cells[d] - low_[d]);
    return key;
  }

  struct Keyed {
    std::uint64_t key;
    std::uint32_t index;
    bool operator<(const Keyed& other) const {
      return key != other.key ? key < other.key : index < other.index;
    }
  };
  std::array<int, kDims> width_{};
  std::array<std::uint64_t, kDims> low_{};
  int index_bits_ = 0;
  std::vector<std::uint64_t> packed_;
  std::vector<Keyed> pairs_;
};

}  // namespace

WeightedPoints bin_points(const WeightedPoints& points, std::size_t max_points,
                          std::vector<std::uint32_t>* bin_of) {
  const std::size_t n = points.size();
  // The finest edge that leaves at most max_points cells, found by counting cells in a small
  // hash set that gives up once the count passes max_points; then one sort. Edges grow by
  // sqrt 2, so that the bins come within a factor of about 2.8 of max_points, not 8.
  float edge = 2.f;
  while (edge < 256 && !fits_cells(points, edge, max_points)) edge *= std::numbers::sqrt2_v<float>;
  const SortedCells sorted(points, edge);
  std::size_t bins = n == 0 ? 0 : 1;
  for (std::size_t i = 1; i < n; ++i) bins += sorted.key(i) != sorted.key(i - 1);
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
    const std::uint64_t key = sorted.key(i);
    for (; j < n && sorted.key(j) == key; ++j) {
      const std::uint32_t p = sorted.index(j);
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
